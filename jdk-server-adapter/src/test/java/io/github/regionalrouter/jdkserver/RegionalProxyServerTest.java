package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolver;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RegionalProxyServerTest {
  static final RegionResolver HOSTS = RegionResolvers.fixed(Map.of(
      "a.example", "us_east1", "b.example", "us_central1", "u.example", "nowhere"));

  // own threads: the common pool may have a single worker (JDK 21+ on 2 CPUs), and these block
  final ExecutorService clients = Executors.newCachedThreadPool();
  Upstream east;
  Upstream central;
  RegionalRouter router;
  RegionalProxyServer proxy;

  @BeforeEach
  void upstreams() throws IOException {
    east = new Upstream("east");
    central = new Upstream("central");
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
    central.close();
    clients.shutdownNow();
  }

  RegionalRouter.Builder routerBuilder(RegionResolver resolver) {
    return RegionalRouter.builder()
        .resolver(resolver)
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint(east.uri()))
        .cluster(Cluster.named("us_central1").endpoint(central.uri()))
        .responseHeader("Processed-By", "Regional Router");
  }

  void start(RegionalRouter r) {
    start(r, b -> {});
  }

  /** The engine under test; {@link RegionalProxyServerJdkEngineTest} runs every test on the other. */
  RegionalProxyServer.Engine engine() {
    return RegionalProxyServer.Engine.HTTP1;
  }

  void start(RegionalRouter r, Consumer<RegionalProxyServer.Builder> options) {
    router = r;
    RegionalProxyServer.Builder b = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(r)
        .engine(engine()).drainTimeout(Duration.ofSeconds(5));
    options.accept(b);
    proxy = b.start();
  }

  int port() {
    return proxy.address().getPort();
  }

  RawHttp.Response get(String host, String... extraHeaders) throws IOException {
    String[] lines = new String[2 + extraHeaders.length];
    lines[0] = "GET /hello?x=1 HTTP/1.1";
    lines[1] = "Host: " + host;
    System.arraycopy(extraHeaders, 0, lines, 2, extraHeaders.length);
    return RawHttp.send(port(), lines);
  }

  /** Records, per forwarded request, its status and whether it ended on an event-loop thread. */
  private RegionalRouter recordingRouter(List<String> answeredOn) {
    return routerBuilder(HOSTS).listener(new io.github.regionalrouter.RoutingListener() {
      @Override
      public void onForwarded(io.github.regionalrouter.RouteDecision decision, int status, long nanos) {
        answeredOn.add(status + " " + (io.github.regionalrouter.internal.loop.SelectorLoop.inLoopThread()
            ? "loop" : "executor"));
      }
    }).build();
  }

  @Test
  void http1_answers_on_the_loop_thread_that_read_the_upstream() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(engine() == RegionalProxyServer.Engine.HTTP1);
    List<String> answeredOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    start(recordingRouter(answeredOn));
    for (int i = 0; i < 3; i++) {
      RawHttp.Response r = get("a.example");
      assertThat(r.status).isEqualTo(200);
      assertThat(r.text()).isEqualTo("east");
    }
    assertThat(Poll.until(() -> answeredOn.size() == 3, Duration.ofSeconds(5))).isTrue();
    // the forwarder was called on the loop and the answer written there: no hand-off
    assertThat(answeredOn).containsOnly("200 loop");
  }

  @Test
  void http1_with_the_loop_off_answers_on_an_executor_thread() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(engine() == RegionalProxyServer.Engine.HTTP1);
    List<String> answeredOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    start(recordingRouter(answeredOn), b -> b.eventLoop(false));
    RawHttp.Response r = get("b.example");
    assertThat(r.status).isEqualTo(200);
    assertThat(r.text()).isEqualTo("central");
    assertThat(Poll.until(() -> answeredOn.size() == 1, Duration.ofSeconds(5))).isTrue();
    assertThat(answeredOn).containsExactly("200 executor");
  }

  @Test
  void routes_each_host_to_the_cluster_of_its_region() throws Exception {
    start(routerBuilder(HOSTS).build());

    RawHttp.Response a = get("a.example");
    RawHttp.Response b = get("b.example:8080");

    assertThat(a.status).isEqualTo(200);
    assertThat(a.text()).isEqualTo("east");
    assertThat(a.header("Processed-By")).isEqualTo("Regional Router");
    if (engine() == RegionalProxyServer.Engine.HTTP1) {
      // the JDK server normalizes our names to "Processed-by"; the http1 engine keeps them (names
      // from upstream come as java.net.http gives them: lower case)
      assertThat(a.rawNames).contains("Processed-By", "X-Request-Id");
    }
    assertThat(proxy.engine()).isEqualTo(engine());
    assertThat(b.status).isEqualTo(200);
    assertThat(b.text()).isEqualTo("central");
    assertThat(east.requests.take().get("Region")).containsExactly("us_east1");
    assertThat(central.requests.take().get("Region")).containsExactly("us_central1");
  }

  @Test
  void answers_503_with_reason_when_the_region_has_no_cluster() throws Exception {
    start(routerBuilder(HOSTS).build());

    RawHttp.Response r = get("u.example");

    assertThat(r.status).isEqualTo(503);
    assertThat(r.header("X-Router-Error")).isEqualTo("cluster_not_found");
    assertThat(r.text()).contains("cluster_not_found").contains("unknown cluster");
    assertThat(east.requests).isEmpty();
  }

  @Test
  void uses_the_fallback_region_when_discovery_is_down() throws Exception {
    RegionResolver down = (host, req) -> CompletableFuture.failedFuture(new IOException("refused"));
    start(routerBuilder(down).fallbackRegion("us_central1").build());

    RawHttp.Response r = get("a.example");

    assertThat(r.status).isEqualTo(200);
    assertThat(r.text()).isEqualTo("central");
  }

  @Test
  void answers_503_within_the_deadline_when_discovery_hangs_and_there_is_no_fallback() throws Exception {
    RegionResolver hangs = (host, req) -> new CompletableFuture<RegionAnswer>();
    start(routerBuilder(hangs).resolveTimeout(Duration.ofMillis(300)).build());

    long t0 = System.nanoTime();
    RawHttp.Response r = get("a.example");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(r.status).isEqualTo(503);
    assertThat(r.header("X-Router-Error")).isEqualTo("discovery_unavailable");
    assertThat(ms).isBetween(250L, 5_000L);
  }

  @Test
  void ignores_the_routing_header_the_client_sent() throws Exception {
    start(routerBuilder(HOSTS).build());

    RawHttp.Response r = get("a.example", "region: us_central1", "REGION: evil");

    assertThat(r.text()).isEqualTo("east");
    assertThat(east.requests.take().get("Region")).containsExactly("us_east1");
  }

  @Test
  void strips_connection_listed_and_hop_by_hop_headers_but_keeps_its_own() throws Exception {
    start(routerBuilder(HOSTS).build());

    RawHttp.Response r = get("a.example",
        "Connection: keep-alive, X-Forwarded-For, region, X-Secret",
        "X-Secret: s", "X-Forwarded-For: 6.6.6.6", "Keep-Alive: timeout=5", "TE: trailers",
        "Proxy-Authorization: Basic eA==", "Proxy-Connection: keep-alive", "X-Kept: yes");

    assertThat(r.status).isEqualTo(200);
    Headers seen = east.requests.take();
    assertThat(seen).doesNotContainKeys("X-secret", "Keep-alive", "Te", "Proxy-authorization",
        "Proxy-connection");
    assertThat(seen.get("Region")).containsExactly("us_east1");
    assertThat(seen.get("X-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(seen.get("X-kept")).containsExactly("yes");
    // the upstream's Connection-listed response header does not reach the client
    assertThat(r.header("X-Upstream-Private")).isNull();
    assertThat(r.header("X-Upstream")).isEqualTo("east");
  }

  @Test
  void appends_the_peer_to_x_forwarded_for_and_sets_the_other_forwarding_headers() throws Exception {
    start(routerBuilder(HOSTS).build());

    get("a.example", "X-Forwarded-For: 1.2.3.4", "X-Forwarded-Proto: https", "Via: 1.0 other");

    Headers seen = east.requests.take();
    assertThat(seen.get("X-forwarded-for")).containsExactly("1.2.3.4, 127.0.0.1");
    assertThat(seen.get("X-forwarded-proto")).containsExactly("http");
    assertThat(seen.get("X-forwarded-host")).containsExactly("a.example");
    assertThat(seen.get("Via")).containsExactly("1.0 other, 1.1 regional-router");
    assertThat(seen.getFirst("X-request-id")).matches("[0-9a-f]{32}");
  }

  @Test
  void answers_400_to_a_header_value_with_a_nul_and_forwards_nothing() throws Exception {
    int[] calls = new int[1];
    RegionResolver counting = (host, req) -> {
      calls[0]++;
      return HOSTS.resolve(host, req);
    };
    start(routerBuilder(counting).build());

    RawHttp.Response r = RawHttp.send(port(), "GET / HTTP/1.1\r\nHost: a.example\r\nX-A: b\u0000region: evil\r\n\r\n",
        null, 0, true);

    assertThat(r.status).isEqualTo(400);
    assertThat(calls[0]).isZero();
    assertThat(east.requests).isEmpty();
  }

  @Test
  void answers_502_when_the_upstream_refuses_connections() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    start(RegionalRouter.builder().resolver(HOSTS).noCache()
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + closedPort)).build());

    RawHttp.Response r = get("a.example");

    assertThat(r.status).isEqualTo(502);
    assertThat(r.header("X-Router-Error")).isEqualTo("upstream_unreachable");
  }

  @Test
  void retries_a_refused_connection_on_another_endpoint_and_ejects_the_refusing_one() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    start(RegionalRouter.builder().resolver(HOSTS).noCache()
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + closedPort).endpoint(east.uri()))
        .build());

    for (int i = 0; i < 10; i++) {
      assertThat(get("a.example").status).isEqualTo(200);
    }
    // five connect failures in a row: the refusing endpoint is ejected (outlier detection)
    ClusterState cluster = router.clusters().get("us_east1");
    assertThat(cluster.isEjected(cluster.endpoints().get(0))).isTrue();
    assertThat(cluster.isEjected(cluster.endpoints().get(1))).isFalse();
  }

  @Test
  void answers_504_at_the_request_timeout_when_the_upstream_never_answers() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      start(RegionalRouter.builder().resolver(HOSTS).noCache()
          .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + silent.getLocalPort())
              .requestTimeout(Duration.ofMillis(500)))
          .build());

      long t0 = System.nanoTime();
      RawHttp.Response r = get("a.example");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(r.status).isEqualTo(504);
      assertThat(r.header("X-Router-Error")).isEqualTo("upstream_timeout");
      assertThat(ms).isBetween(450L, 5_000L);
    }
  }

  @Test
  void aborts_the_client_connection_when_the_upstream_dies_mid_body() throws Exception {
    for (boolean chunked : new boolean[] {false, true}) {
      try (ServerSocket dying = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
        Thread t = new Thread(() -> {
          try (Socket s = dying.accept()) {
            s.getInputStream().read(new byte[4096]);
            OutputStream out = s.getOutputStream();
            String head = chunked
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[1000]);
            out.flush();
          } catch (IOException ignored) {
            // test ends it
          }
        });
        t.start();
        RegionalRouter r = RegionalRouter.builder().resolver(HOSTS).noCache()
            .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + dying.getLocalPort())).build();
        start(r);

        RawHttp.Response resp = get("a.example");

        // the 200 and part of the body were relayed, then the connection was cut: never complete
        assertThat(resp.status).as("chunked=" + chunked).isEqualTo(200);
        assertThat(resp.aborted).as("chunked=" + chunked).isTrue();
        t.join();
        proxy.close();
        proxy = null;
        r.close();
        router = null;
      }
    }
  }

  @Test
  void aborts_at_the_body_idle_timeout_when_the_upstream_stalls_mid_body() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    east.custom = ex -> {
      ex.sendResponseHeaders(200, 2000);
      ex.getResponseBody().write(new byte[1000]);
      ex.getResponseBody().flush();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
    };
    start(routerBuilder(HOSTS).build(), b -> b.bodyIdleTimeout(Duration.ofMillis(300)));

    long t0 = System.nanoTime();
    RawHttp.Response r = get("a.example");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    release.countDown();

    assertThat(r.status).isEqualTo(200);
    assertThat(r.aborted).isTrue();
    assertThat(ms).isBetween(250L, 5_000L);
  }

  @Test
  void answers_503_when_the_cluster_is_at_its_limit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    east.custom = ex -> {
      arrived.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(204, -1);
      ex.close();
    };
    start(RegionalRouter.builder().resolver(HOSTS).noCache()
        .cluster(Cluster.named("us_east1").endpoint(east.uri()).maxConcurrentRequests(1)).build());
    CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> {
      try {
        return get("a.example");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, clients);
    arrived.await();

    RawHttp.Response second = get("a.example");
    release.countDown();

    assertThat(second.status).isEqualTo(503);
    assertThat(second.header("X-Router-Error")).isEqualTo("cluster_overloaded");
    assertThat(first.get().status).isEqualTo(204);
  }

  @Test
  void close_lets_in_flight_requests_finish_answers_a_request_being_read_503_and_closes_idle_connections()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    start(routerBuilder(HOSTS).build(), b -> b.admin(new InetSocketAddress("127.0.0.1", 0)));
    int adminPort = proxy.adminAddress().orElseThrow().getPort();
    try (Socket idle = new Socket("127.0.0.1", port()); Socket reading = new Socket("127.0.0.1", port())) {
      idle.setSoTimeout(10_000);
      reading.setSoTimeout(10_000);
      // the head starts now: the round trip below gives the server time to begin reading it
      OutputStream half = reading.getOutputStream();
      half.write("GET / HTTP/1.1\r\nHost: b.example\r\n".getBytes(StandardCharsets.US_ASCII));
      half.flush();
      idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(RawHttp.read(idle.getInputStream(), true).status).isEqualTo(200); // now idle, kept alive
      east.custom = ex -> {
        arrived.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        byte[] b = "late".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
      };
      CompletableFuture<RawHttp.Response> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return get("a.example");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, clients);
      arrived.await();
      RegionalProxyServer p = proxy;
      CompletableFuture<Void> closing = CompletableFuture.runAsync(p::close, clients);
      while (!p.isDraining()) {
        Thread.onSpinWait();
      }

      half.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response beingRead = RawHttp.read(reading.getInputStream(), true);
      RawHttp.Response ready = RawHttp.send(adminPort, "GET /ready HTTP/1.1", "Host: admin");
      int fresh = statusOrRefused("b.example");
      if (engine() == RegionalProxyServer.Engine.HTTP1) {
        // closed by close() itself, while a request is still in flight
        assertThat(idle.getInputStream().read()).isEqualTo(-1);
      }
      release.countDown();
      closing.get(10, TimeUnit.SECONDS);
      proxy = null;

      if (engine() == RegionalProxyServer.Engine.JDK_HTTPSERVER || beingRead.status != 0) {
        assertThat(beingRead.status).isEqualTo(503);
        assertThat(beingRead.header("X-Router-Error")).isEqualTo("draining");
        assertThat(beingRead.header("Connection")).isEqualTo("close");
      } else {
        // http1: a connection whose first bytes the server had not read yet looks idle to close()
        // and is closed unanswered; the request was never routed (the upstream count below)
        assertThat(beingRead.aborted).isTrue();
      }
      assertThat(ready.status).isEqualTo(503);
      // the http1 engine stops accepting; the JDK server answers 503
      assertThat(fresh).isEqualTo(engine() == RegionalProxyServer.Engine.HTTP1 ? -1 : 503);
      RawHttp.Response done = inFlight.get();
      assertThat(done.status).isEqualTo(200);
      assertThat(done.text()).isEqualTo("late");
      assertThat(idle.getInputStream().read()).isEqualTo(-1);
      assertThat(central.requests).as("nothing routed while draining").isEmpty();
    }
  }

  /** The status of a GET on a new connection, or -1 when the connection is refused. */
  int statusOrRefused(String host) throws IOException {
    try {
      return get(host).status;
    } catch (java.net.ConnectException e) {
      return -1;
    }
  }

  @Test
  void admin_listener_serves_ready_stats_clusters_and_config() throws Exception {
    start(routerBuilder(HOSTS).build(), b -> b.admin(new InetSocketAddress("127.0.0.1", 0))
        .config(() -> Map.of("listen", "127.0.0.1:0", "discovery", Map.of("token", "<redacted>"))));
    int admin = proxy.adminAddress().orElseThrow().getPort();
    get("a.example");
    get("u.example");

    RawHttp.Response ready = RawHttp.send(admin, "GET /ready HTTP/1.1", "Host: admin");
    RawHttp.Response stats = RawHttp.send(admin, "GET /stats HTTP/1.1", "Host: admin");
    RawHttp.Response clusters = RawHttp.send(admin, "GET /clusters HTTP/1.1", "Host: admin");
    RawHttp.Response config = RawHttp.send(admin, "GET /config HTTP/1.1", "Host: admin");

    assertThat(ready.status).isEqualTo(200);
    assertThat(stats.status).isEqualTo(200);
    assertThat(stats.text()).contains("\"requests\" : 2").contains("\"cluster_not_found\" : 1")
        .contains("\"200\" : 1").contains("\"clusterInFlight\"");
    assertThat(clusters.text()).contains("us_east1").contains(east.uri()).contains("\"healthy\" : true");
    assertThat(config.text()).contains("<redacted>")
        .contains("\"version\" : \"" + System.getProperty("project.version") + "\"");
  }

  @Test
  void streams_bodies_both_ways() throws Exception {
    start(routerBuilder(HOSTS).build());
    long size = 20L * 1024 * 1024;

    RawHttp.Response up = RawHttp.send(port(), "POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: "
        + size + "\r\n\r\n", new byte[64 * 1024], size, true);
    RawHttp.Response down = RawHttp.send(port(), "GET /download/" + size + " HTTP/1.1\r\nHost: a.example\r\n\r\n",
        null, 0, false);

    assertThat(up.status).isEqualTo(200);
    assertThat(up.text()).isEqualTo(Long.toString(size));
    assertThat(down.status).isEqualTo(200);
    assertThat(down.header("Content-Length")).isEqualTo(Long.toString(size));
    assertThat(down.bodyLength).isEqualTo(size);
    assertThat(down.aborted).isFalse();
  }

  @Test
  void answers_413_to_a_body_over_the_limit_declared_or_chunked() throws Exception {
    start(routerBuilder(HOSTS).build(), b -> b.forwarderOptions(f -> f.maxRequestBodyBytes(1000)));

    RawHttp.Response declared = RawHttp.send(port(), "POST /upload HTTP/1.1\r\nHost: a.example\r\n"
        + "Content-Length: 1001\r\n\r\n", new byte[1001], 1001, true);
    String chunk = "800\r\n" + "x".repeat(0x800) + "\r\n";
    RawHttp.Response chunked = RawHttp.send(port(), "POST /upload HTTP/1.1\r\nHost: a.example\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + chunk + "0\r\n\r\n", null, 0, true);
    RawHttp.Response small = RawHttp.send(port(), "POST /upload HTTP/1.1\r\nHost: a.example\r\n"
        + "Content-Length: 1000\r\n\r\n", new byte[1000], 1000, true);

    assertThat(declared.status).isEqualTo(413);
    assertThat(declared.header("X-Router-Error")).isEqualTo("invalid_request");
    assertThat(chunked.status).isEqualTo(413);
    assertThat(small.status).isEqualTo(200);
    assertThat(small.text()).isEqualTo("1000");
  }
}
