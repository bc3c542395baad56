package io.github.regionalrouter.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.internal.upstream.ScriptedUpstream;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ForwarderFastLaneTest {
  private ScriptedUpstream upstream;
  private RegionalRouter router;
  private Forwarder forwarder;

  @AfterEach
  void stop() throws IOException {
    if (forwarder != null) {
      forwarder.close();
    }
    if (router != null) {
      router.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private Duration requestTimeout = Duration.ofSeconds(10);

  private void start(String endpoint, boolean fastLane) {
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "r1")))
        .noCache()
        .cluster(Cluster.named("r1").endpoint(endpoint).requestTimeout(requestTimeout))
        .build();
    forwarder = Forwarder.builder(router).fastLane(fastLane).retries(false).build();
  }

  private void start(ScriptedUpstream up) {
    upstream = up;
    start("http://127.0.0.1:" + up.port(), true);
  }

  /** Records what the client would see. */
  static final class Sink implements ResponseSink {
    volatile int status = -1;
    volatile Map<String, List<String>> headers;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    volatile Throwable aborted;
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public void start(int status, Map<String, List<String>> headers, long contentLength) {
      this.status = status;
      this.headers = headers;
    }

    @Override
    public void write(ByteBuffer data) {
      byte[] a = new byte[data.remaining()];
      data.get(a);
      body.write(a, 0, a.length);
    }

    @Override
    public void complete() {
      ended.countDown();
    }

    @Override
    public void abort(Throwable cause) {
      aborted = cause;
      ended.countDown();
    }

    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  private Sink forward(String method, byte[] body) throws Exception {
    InboundRequest request = InboundRequest.builder().method(method).target("/x").header("Host", "a.example").build();
    Sink sink = new Sink();
    RequestBody b = body == null ? RequestBody.empty() : RequestBody.of(new ByteArrayInputStream(body), body.length);
    forwarder.handle(request, b, sink).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.ended.await(5, TimeUnit.SECONDS)).isTrue();
    return sink;
  }

  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Up: 1\r\n\r\nok";

  @Test
  void aGetTakesTheFastLaneAndAPostWithABodyTakesJavaNetHttp() throws Exception {
    start(ScriptedUpstream.answering(OK));
    Sink get = forward("GET", null);
    assertThat(get.status).isEqualTo(200);
    assertThat(get.text()).isEqualTo("ok");
    assertThat(get.headers).containsKey("X-Up");
    assertThat(upstream.heads.take()).startsWith("GET /x HTTP/1.1\r\nHost: 127.0.0.1:").doesNotContain("Java-http-client");
    Sink post = forward("POST", "abc".getBytes(StandardCharsets.UTF_8));
    assertThat(post.text()).isEqualTo("ok");
    assertThat(upstream.heads.take()).contains("Java-http-client");
  }

  @Test
  void withTheFastLaneOffEverythingTakesJavaNetHttp() throws Exception {
    upstream = ScriptedUpstream.answering(OK);
    start("http://127.0.0.1:" + upstream.port(), false);
    assertThat(forward("GET", null).text()).isEqualTo("ok");
    assertThat(upstream.heads.take()).contains("Java-http-client");
  }

  @Test
  void anInvalidUpstreamAnswerIsA502AndNothingOfItReachesTheClient() throws Exception {
    start(ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n"
        + "X-Evil: 1\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
    Sink s = forward("GET", null);
    assertThat(s.status).isEqualTo(502);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("upstream_protocol_error");
    assertThat(s.headers).doesNotContainKey("X-Evil");
    assertThat(s.text()).doesNotContain("ok\r\n");
  }

  @Test
  void aRefusedConnectionIsA502() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    start("http://127.0.0.1:" + port, true);
    Sink s = forward("GET", null);
    assertThat(s.status).isEqualTo(502);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("upstream_unreachable");
    assertThat(router.clusters().get("r1").inFlight()).isZero();
  }

  @Test
  void anUpstreamThatNeverAnswersIsA504AtTheRequestTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    requestTimeout = Duration.ofMillis(500);
    start(new ScriptedUpstream((sock, in) -> {
      ScriptedUpstream.readHead(in);
      never.await();
    }));
    long t0 = System.nanoTime();
    Sink s = forward("GET", null);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(s.status).isEqualTo(504);
    assertThat(ms).isBetween(490L, 3000L);
    never.countDown();
  }

  @Test
  void anUpstreamThatDiesMidBodyAbortsTheClientResponse() throws Exception {
    start(new ScriptedUpstream((sock, in) -> {
      ScriptedUpstream.readHead(in);
      sock.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      sock.getOutputStream().write(new byte[5000]);
      sock.getOutputStream().flush();
      sock.setSoLinger(true, 0);
      sock.close();
    }));
    Sink s = forward("GET", null);
    assertThat(s.status).isEqualTo(200);
    assertThat(s.aborted).isNotNull();
    assertThat(router.clusters().get("r1").inFlight()).isZero();
  }

  @Test
  void closeStopsTheFastLaneThread() throws Exception {
    start(ScriptedUpstream.answering(OK));
    forward("GET", null);
    long before = threads();
    forwarder.close();
    assertThat(threads()).isEqualTo(before - 1);
    forwarder = null;
  }

  private static long threads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("regional-router-upstream-")).count();
  }
}
