package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.internal.cluster.ClusterRuntime;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scenarios of {@link RegionalProxyServlet}, run in a real servlet container (one subclass per
 * container) against real loopback upstreams: routing of both regions and the path below the
 * mapping, what the upstream sees of the client's headers, the error answers (502, 504), answers
 * the upstream cuts off, and what {@code destroy} releases. The 100 MiB streams are in
 * {@link ProxyServletStreamingContract}, in a JVM of their own.
 */
abstract class RegionalProxyServletContract {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final ServletContainer.Starter starter;
  private final Upstreams upstreams = new Upstreams();
  private ServletContainer container;
  private RegionalRouter router;

  @TempDir Path dir;

  RegionalProxyServletContract(ServletContainer.Starter starter) {
    this.starter = starter;
  }

  @AfterEach
  void stop() throws Exception {
    if (container != null) {
      container.close();
    }
    upstreams.close();
    if (router != null) {
      router.close();
    }
  }

  /** Answers the target {@link RegionalProxyServlet} would send upstream. */
  static final class TargetServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain;charset=UTF-8");
      resp.getWriter().print(RegionalProxyServlet.upstreamTarget(req));
    }
  }

  /**
   * Gives every async request a container async timeout of {@code millis}, as a container whose
   * default is that short would: the proxy must switch it off, or it cuts long requests.
   */
  private static Filter shortAsyncTimeout(long millis) {
    return (request, response, chain) -> chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
      @Override
      public AsyncContext startAsync() {
        AsyncContext async = super.startAsync();
        async.setTimeout(millis);
        return async;
      }
    }, response);
  }

  private void deployProxy(Cluster.Builder east, Cluster.Builder central) throws Exception {
    router = RegionalRouter.builder()
        .resolver(TestResolvers.HOSTS)
        .noCache()
        .cluster(east)
        .cluster(central)
        .responseHeader("Processed-By", "Regional Router")
        .build();
    RegionalProxyServlet proxy = new RegionalProxyServlet(router);
    container = starter.start(8, "/app", (classes, ctx) -> {
      ctx.addFilter("short-async-timeout", shortAsyncTimeout(300)).setAsyncSupported(true);
      ctx.getFilterRegistration("short-async-timeout")
          .addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST), false, "proxy");
      ServletRegistration.Dynamic s = ctx.addServlet("proxy", proxy);
      s.setAsyncSupported(true);
      s.addMapping("/proxy/*");
    });
  }

  private void deployProxy(String east, String central) throws Exception {
    deployProxy(Cluster.named("us_east1").endpoint(east), Cluster.named("us_central1").endpoint(central));
  }

  private HttpResponse<String> get(String path, String host) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
            .header("Host", host).header("region", "forged").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Timeout(30)
  void bothRegionsAreRoutedToTheirUpstreams() throws Exception {
    deployProxy(upstreams.echo("east"), upstreams.echo("central"));

    HttpResponse<String> east = get("/app/proxy/a/b?x=1", "east.example.com");
    HttpResponse<String> central = get("/app/proxy/c", "central.example.com");

    assertThat(east.statusCode()).isEqualTo(200);
    assertThat(east.headers().firstValue("Processed-By")).hasValue("Regional Router");
    assertThat(east.body()).isEqualTo("upstream=east\ntarget=/a/b?x=1\nregion=[us_east1]\n");
    assertThat(central.body()).isEqualTo("upstream=central\ntarget=/c\nregion=[us_central1]\n");
  }

  @Test
  @Timeout(30)
  void anUpstreamThatRefusesTheConnectionIsAnswered502UpstreamUnreachable() throws Exception {
    deployProxy("http://127.0.0.1:1", upstreams.echo("central"));

    HttpResponse<String> answer = get("/app/proxy/a", "east.example.com");

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(answer.headers().firstValue("X-Router-Error")).hasValue("upstream_unreachable");
    assertThat(answer.body()).startsWith("502 upstream_unreachable: ");
  }

  @Test
  @Timeout(30)
  void anUpstreamThatNeverAnswersIsAnswered504AtTheClustersRequestTimeoutNotAtTheAsyncTimeout()
      throws Exception {
    // the container's async timeout is 300 ms here (see shortAsyncTimeout); the cluster's is 1.5 s
    deployProxy(Cluster.named("us_east1").endpoint(upstreams.raw(null)).requestTimeout(Duration.ofMillis(1500)),
        Cluster.named("us_central1").endpoint(upstreams.echo("central")));

    long start = System.nanoTime();
    HttpResponse<String> answer = get("/app/proxy/slow", "east.example.com");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.headers().firstValue("X-Router-Error")).hasValue("upstream_timeout");
    assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
  }

  @Test
  @Timeout(30)
  void hopByHopHeadersAndTheNamesListedInConnectionNeverReachTheUpstream() throws Exception {
    AtomicReference<Headers> seen = new AtomicReference<>();
    deployProxy(upstreams.recording(seen), upstreams.echo("central"));

    RawHttp answer = RawHttp.exchange(container.port(), "GET /app/proxy/h HTTP/1.1\r\n"
        + "Host: east.example.com\r\n"
        + "Connection: close, X-Forwarded-For, region, X-Secret\r\n"
        + "X-Forwarded-For: 203.0.113.7\r\n"
        + "region: forged\r\n"
        + "X-Secret: s3cret\r\n"
        + "Keep-Alive: timeout=5\r\n"
        + "TE: trailers\r\n"
        + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
        + "Proxy-Connection: keep-alive\r\n"
        + "Trailer: X-Checksum\r\n"
        + "X-Kept: yes\r\n"
        + "\r\n");

    assertThat(answer.status).as(answer.body).isEqualTo(204);
    Headers h = seen.get();
    assertThat(h.keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()))
        .doesNotContain("connection", "keep-alive", "te", "upgrade", "proxy-authorization", "proxy-connection",
            "trailer", "x-secret");
    // Upgrade: see anUpgradeHeaderNeverReachesTheUpstream
    assertThat(h.get("region")).containsExactly("us_east1");
    assertThat(h.get("X-Forwarded-For")).containsExactly("127.0.0.1"); // the client's copy was listed in Connection
    assertThat(h.get("X-Forwarded-Proto")).containsExactly("http");
    assertThat(h.get("X-Forwarded-Host")).containsExactly("east.example.com");
    assertThat(h.getFirst("Via")).endsWith("1.1 regional-router");
    assertThat(h.getFirst("X-Request-Id")).matches("[0-9a-f]{32}");
    assertThat(h.get("X-Kept")).containsExactly("yes");
  }

  @Test
  @Timeout(30)
  void anUpgradeHeaderNeverReachesTheUpstream() throws Exception {
    AtomicReference<Headers> seen = new AtomicReference<>();
    deployProxy(upstreams.recording(seen), upstreams.echo("central"));

    RawHttp answer = RawHttp.exchange(container.port(), "GET /app/proxy/h HTTP/1.1\r\nHost: east.example.com\r\n"
        + "Connection: close\r\nUpgrade: websocket\r\n\r\n");

    // Jetty refuses the request itself (400 "Invalid h2c upgrade headers"): then nothing reaches the upstream
    if (answer.status == 400) {
      assertThat(seen.get()).isNull();
    } else {
      assertThat(answer.status).isEqualTo(204);
      assertThat(seen.get().containsKey("Upgrade")).isFalse();
      assertThat(seen.get().containsKey("Connection")).isFalse();
    }
  }

  @Test
  @Timeout(30)
  void theClientsForwardedForChainIsKeptAndThePeerAppended() throws Exception {
    AtomicReference<Headers> seen = new AtomicReference<>();
    deployProxy(upstreams.recording(seen), upstreams.echo("central"));

    RawHttp.exchange(container.port(), "GET /app/proxy/h HTTP/1.1\r\nHost: east.example.com\r\n"
        + "Connection: close\r\nX-Forwarded-For: 203.0.113.7\r\nX-Request-Id: abc-123\r\n\r\n");

    assertThat(seen.get().get("X-Forwarded-For")).containsExactly("203.0.113.7, 127.0.0.1");
    assertThat(seen.get().get("X-Request-Id")).containsExactly("abc-123");
  }

  @Test
  @Timeout(30)
  void anUpstreamThatClosesBeforeItsContentLengthIsCutOffForTheClientToo() throws Exception {
    byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    deployProxy(upstreams.raw(concat(head, new byte[1000])), upstreams.echo("central"));

    CutResponse answer = CutResponse.get(container.port(), "/app/proxy/big", "keep-alive");

    assertThat(answer.head).startsWith("HTTP/1.1 200");
    assertThat(answer.isIncomplete()).as("incomplete: %s", answer).isTrue();
  }

  @ParameterizedTest(name = "client asks Connection: {0}")
  @CsvSource({"keep-alive", "close"})
  @Timeout(30)
  void anUpstreamThatClosesAChunkedBodyWithoutItsLastChunkIsCutOffForTheClientToo(String connection) throws Exception {
    byte[] answer = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3e8\r\n" + "x".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    deployProxy(upstreams.raw(answer), upstreams.echo("central"));

    CutResponse seen = CutResponse.get(container.port(), "/app/proxy/chunked", connection);

    assertThat(seen.head).startsWith("HTTP/1.1 200");
    assertThat(seen.isIncomplete()).as("incomplete: %s", seen).isTrue();
  }

  @Test
  @Timeout(30)
  void anAnswerOfUnknownLengthArrivesWholeAndChunkedEvenToAClientThatAsksConnectionClose() throws Exception {
    byte[] answer = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    deployProxy(upstreams.raw(answer), upstreams.echo("central"));

    HttpResponse<String> keptAlive = get("/app/proxy/chunked", "east.example.com");
    CutResponse closing = CutResponse.get(container.port(), "/app/proxy/chunked", "close");

    assertThat(keptAlive.statusCode()).isEqualTo(200);
    assertThat(keptAlive.body()).isEqualTo("hello world");
    assertThat(closing.head.toLowerCase(Locale.ROOT)).contains("\r\ntransfer-encoding: chunked\r\n");
    assertThat(closing.isIncomplete()).as("incomplete: %s", closing).isFalse();
    assertThat(new String(closing.body, StandardCharsets.ISO_8859_1)).contains("hello").contains(" world");
  }

  @Test
  @Timeout(30)
  void destroyEndsTheStreamingThreadsAndClosesTheRouterBuiltFromConfig() throws Exception {
    Path config = dir.resolve("router.json");
    Files.writeString(config, "{\n"
        + "  \"resolver\": {\"type\": \"fixed\", \"hosts\": {\"east.example.com\": \"us_east1\","
        + " \"central.example.com\": \"us_central1\"}, \"cache\": false},\n"
        + "  \"clusters\": [\n"
        + "    {\"name\": \"us_east1\", \"endpoints\": [\"" + upstreams.echo("east") + "\"]},\n"
        + "    {\"name\": \"us_central1\", \"endpoints\": [\"" + upstreams.echo("central") + "\"]}\n"
        + "  ]\n"
        + "}\n");
    RegionalProxyServlet proxy = new RegionalProxyServlet();
    container = starter.start(8, "/app", (classes, ctx) -> {
      ServletRegistration.Dynamic s = ctx.addServlet("configured", proxy);
      s.setAsyncSupported(true);
      s.setInitParameter("config", config.toString());
      s.addMapping("/proxy/*");
    });
    assertThat(get("/app/proxy/a", "east.example.com").body()).startsWith("upstream=east\n");
    assertThat(get("/app/proxy/b", "central.example.com").body()).startsWith("upstream=central\n");
    String prefix = RegionalProxyServlet.THREAD_PREFIX + "configured-";
    List<Thread> ours = threadsNamed(prefix);
    if (Runtime.version().feature() < 21) {
      // pooled platform threads, idle but alive; virtual threads (21+) end with their task and are not listed
      assertThat(ours).as("threads that streamed the answers").isNotEmpty();
    }
    ExecutorService streaming = (ExecutorService) field(proxy, "executor");
    RegionalRouter built = (RegionalRouter) field(proxy, "router");

    container.close(); // destroys the servlet
    container = null;

    assertThat(streaming.isTerminated()).as("the streaming executor has ended").isTrue();
    for (Thread t : ours) {
      t.join(10_000);
    }
    assertThat(threadsNamed(prefix)).isEmpty();
    assertThatThrownBy(() -> ClusterRuntime.of(built.clusters().get("us_east1")).httpClient())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @ParameterizedTest
  @CsvSource({
    "/app/proxy/a/b?x=1, /a/b?x=1",
    "/app/proxy, /",
    "/app/proxy/, /",
    "/app/proxy?x=1, /?x=1",
    "/app/proxy/a%20b/%C3%A9?q=%26&r, /a%20b/%C3%A9?q=%26&r",
    "/app/api/v1/users/7, /users/7",
    "/app/other/x?y, /other/x?y",
  })
  @Timeout(30)
  void thePathBelowTheServletMappingGoesUpstreamAsSent(String requested, String upstream) throws Exception {
    container = starter.start(8, "/app", (classes, ctx) -> {
      ctx.addServlet("proxy", new TargetServlet()).addMapping("/proxy/*");
      ctx.addServlet("deep", new TargetServlet()).addMapping("/api/v1/*");
      ctx.addServlet("default", new TargetServlet()).addMapping("/");
    });
    String root = "http://127.0.0.1:" + container.port();
    HttpResponse<String> answer =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(root + requested)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(upstream);
  }

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .collect(Collectors.toList());
  }

  private static Object field(RegionalProxyServlet servlet, String name) throws Exception {
    java.lang.reflect.Field f = RegionalProxyServlet.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(servlet);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
