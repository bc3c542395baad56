package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingListener;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The standalone proxy on four event loops: connections spread, requests stay on one thread. */
@Timeout(60)
class EventLoopsTest {
  private static final int LOOPS = 4;

  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final Map<RouteDecision, String> decidedOn = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> servedOn = new ConcurrentHashMap<>();
  private final AtomicInteger crossedThreads = new AtomicInteger();
  private Upstream east;
  private RegionalRouter router;
  private RegionalProxyServer proxy;

  @BeforeEach
  void upstream() throws IOException {
    east = new Upstream("east");
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (router != null) {
      router.close();
    }
    east.close();
    clients.shutdownNow();
  }

  /** Records, per request, the thread it was decided on and the thread that finished it. */
  private final RoutingListener threads = new RoutingListener() {
    @Override
    public void onDecision(RouteDecision decision) {
      decidedOn.put(decision, Thread.currentThread().getName());
    }

    @Override
    public void onForwarded(RouteDecision decision, int status, long nanos) {
      String t = Thread.currentThread().getName();
      if (!t.equals(decidedOn.remove(decision))) {
        crossedThreads.incrementAndGet();
      }
      servedOn.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
    }
  };

  private void start(Cluster.Builder cluster) {
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .cluster(cluster)
        .listener(threads)
        .build();
    proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).eventLoops(LOOPS)
        .drainTimeout(Duration.ofSeconds(2)).start();
  }

  private static final byte[] GET = "GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void fourHundredKeepAliveConnectionsAreSpreadOverAllFourLoopsAndEachRequestStaysOnOneThread() throws Exception {
    start(Cluster.named("us_east1").endpoint(east.uri()));
    RawHttp.send(proxy.address().getPort(), "GET /x HTTP/1.1", "Host: a.example"); // fills the cache
    assertThat(Poll.until(() -> total() == 1, Duration.ofSeconds(10))).isTrue();
    decidedOn.clear();
    servedOn.clear();
    crossedThreads.set(0);
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 400; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.address().getPort()), 5000);
        s.setSoTimeout(20_000);
        sockets.add(s);
      }
      for (int round = 0; round < 2; round++) { // the second round on the same, kept-alive, connections
        for (Socket s : sockets) {
          s.getOutputStream().write(GET);
        }
        for (Socket s : sockets) {
          RawHttp.Response r = RawHttp.read(s.getInputStream(), true);
          assertThat(r.status).isEqualTo(200);
          assertThat(r.text()).isEqualTo("east");
        }
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    assertThat(Poll.until(() -> total() == 800, Duration.ofSeconds(10))).isTrue();
    assertThat(servedOn).hasSize(LOOPS);
    assertThat(servedOn.keySet()).allMatch(t -> t.startsWith("regional-router-loop-"));
    for (AtomicInteger n : servedOn.values()) {
      assertThat(n.get() / 800.0).isBetween(0.15, 0.35);
    }
    // decided (client read) and finished (client write) on the same loop thread, every time
    assertThat(crossedThreads.get()).isZero();
  }

  private int total() {
    return servedOn.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  @Test
  void theClusterLimitHoldsExactlyAcrossLoopsUnderFiveHundredConcurrentRequests() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger atUpstream = new AtomicInteger();
    east.custom = ex -> {
      atUpstream.incrementAndGet();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] b = "east".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    };
    start(Cluster.named("us_east1").endpoint(east.uri()).maxConcurrentRequests(50)
        .requestTimeout(Duration.ofSeconds(40)));
    List<Future<RawHttp.Response>> answers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      answers.add(clients.submit(() -> RawHttp.send(proxy.address().getPort(), "GET /x HTTP/1.1", "Host: a.example")));
    }
    // the 450 over the limit are answered at once, from whichever loop their connection is on
    assertThat(Poll.until(() -> answers.stream().filter(Future::isDone).count() == 450, Duration.ofSeconds(30)))
        .isTrue();
    assertThat(atUpstream.get()).isEqualTo(50);
    release.countDown();
    Map<Integer, Long> byStatus = new java.util.TreeMap<>();
    for (Future<RawHttp.Response> f : answers) {
      byStatus.merge(f.get(30, TimeUnit.SECONDS).status, 1L, Long::sum);
    }
    assertThat(byStatus).containsExactly(Map.entry(200, 50L), Map.entry(503, 450L));
    assertThat(servedOn.keySet().stream().filter(t -> t.startsWith("regional-router-loop-")).count())
        .isEqualTo(LOOPS);
    assertThat(router.clusters().get("us_east1").inFlight()).isZero();
  }

  @Test
  void outlierDetectionCountsFailuresFromEveryLoop() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort(); // closed: connections to it are refused
    }
    start(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + dead).endpoint(east.uri()));
    Map<String, Long> answers = new ConcurrentHashMap<>();
    for (int i = 0; i < 40; i++) { // each on a new connection: the acceptor deals them to the loops in turn
      RawHttp.Response r = RawHttp.send(proxy.address().getPort(), "GET /x HTTP/1.1", "Host: a.example");
      answers.merge(r.status + " " + r.text(), 1L, Long::sum);
    }
    // refused connects are retried on the live endpoint, and the dead one is ejected: its failures
    // were counted together, whichever loop saw them
    assertThat(answers).containsExactly(Map.entry("200 east", 40L));
    ClusterState c = router.clusters().get("us_east1");
    assertThat(c.isEjected(c.endpoints().get(0))).isTrue();
    assertThat(c.isEjected(c.endpoints().get(1))).isFalse();
    assertThat(servedOn.keySet()).hasSize(LOOPS);
  }
}
