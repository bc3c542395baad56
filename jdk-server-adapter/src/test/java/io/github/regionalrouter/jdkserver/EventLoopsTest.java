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
    executorPool.shutdownNow();
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

  @Test
  @Timeout(120)
  void twoHundredConcurrentUploadsOfEightMebibytesAddNoThreadAndUseNoExecutor() throws Exception {
    int uploads = 200;
    int size = 8 << 20;
    CountDownLatch allStarted = new CountDownLatch(uploads);
    east.custom = ex -> {
      if (!ex.getRequestURI().getPath().equals("/upload")) {
        ex.sendResponseHeaders(204, -1);
        ex.close();
        return;
      }
      // holds every upload open after its first byte until all have reached the upstream
      InputStream in = ex.getRequestBody();
      long n = in.read() < 0 ? 0 : 1;
      allStarted.countDown();
      try {
        allStarted.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] buf = new byte[64 * 1024];
      for (int k; (k = in.read(buf)) > 0; ) {
        n += k;
      }
      byte[] b = Long.toString(n).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    };
    java.util.Set<String> beforeProxy = ourThreads();
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .cluster(Cluster.named("us_east1").endpoint(east.uri()).requestTimeout(Duration.ofSeconds(90)))
        .build();
    proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).eventLoops(LOOPS)
        .executor(countingExecutor).accessLog(false).drainTimeout(Duration.ofSeconds(2)).start();
    try {
      RawHttp.send(proxy.address().getPort(), "GET /x HTTP/1.1", "Host: a.example"); // starts the loops' clients
      java.util.Set<String> before = ourThreads();
      int tasksBefore = executorTasks.get();
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        answers.add(clients.submit(() -> upload(size)));
      }
      assertThat(allStarted.await(60, TimeUnit.SECONDS)).isTrue();
      // every upload is in the proxy now, each partly sent: the loops carry them all
      java.util.Set<String> during = ourThreads();
      for (Future<String> f : answers) {
        assertThat(f.get(90, TimeUnit.SECONDS)).isEqualTo("200 " + size);
      }
      assertThat(during).isEqualTo(before);
      before.removeAll(beforeProxy); // other tests' servers may still be stopping
      assertThat(before).filteredOn(t -> t.startsWith("regional-router-loop-")).hasSize(LOOPS);
      assertThat(executorTasks.get() - tasksBefore).as("tasks handed to the executor").isZero();
    } finally {
      proxy.close();
      proxy = null;
    }
  }

  @Test
  void aClientThatReadsSlowlyPacesItsDownloadOnTheLoopWithoutTheExecutor() throws Exception {
    int size = 32 << 20;
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .cluster(Cluster.named("us_east1").endpoint(east.uri()))
        .build();
    proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).eventLoops(1)
        .executor(countingExecutor).accessLog(false).drainTimeout(Duration.ofSeconds(2)).start();
    RawHttp.send(proxy.address().getPort(), "GET /x HTTP/1.1", "Host: a.example");
    int tasksBefore = executorTasks.get();
    long received = 0;
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(16 * 1024); // the client's socket takes little: the proxy's writes often wait
      s.connect(new InetSocketAddress("127.0.0.1", proxy.address().getPort()), 5000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /download/" + size + " HTTP/1.1\r\nHost: a.example\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      byte[] small = new byte[1024];
      String head = "";
      while (!head.endsWith("\r\n\r\n")) {
        int c = in.read();
        assertThat(c).isNotNegative();
        head += (char) c;
      }
      assertThat(head).startsWith("HTTP/1.1 200").contains("Content-Length: " + size);
      for (int n; received < size && (n = in.read(small)) > 0; ) {
        received += n;
      }
    }
    assertThat(received).isEqualTo(size);
    // each chunk was asked of the upstream once the client had taken the last: on the loop, no
    // executor thread waited for the client
    assertThat(executorTasks.get() - tasksBefore).as("tasks handed to the executor").isZero();
  }

  private final AtomicInteger executorTasks = new AtomicInteger();
  private final ExecutorService executorPool = Executors.newFixedThreadPool(4);
  /** The proxy's executor, counting the tasks handed to it. */
  private final ExecutorService countingExecutor = new java.util.concurrent.AbstractExecutorService() {
    @Override
    public void execute(Runnable r) {
      executorTasks.incrementAndGet();
      executorPool.execute(r);
    }

    @Override
    public void shutdown() {
      executorPool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return executorPool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return executorPool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return executorPool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return executorPool.awaitTermination(timeout, unit);
    }
  };

  /** The names of the live threads the library started. */
  private static java.util.Set<String> ourThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("regional-router")).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** POSTs {@code size} bytes on a connection of its own; "status body". */
  private String upload(int size) throws IOException {
    try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
      s.setSoTimeout(90_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: " + size + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 * 1024];
      for (int left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
      RawHttp.Response r = RawHttp.read(s.getInputStream(), true);
      return r.status + " " + r.text();
    }
  }
}
