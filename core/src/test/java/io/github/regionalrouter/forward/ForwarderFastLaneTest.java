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

  private boolean fastLaneBodies = true;
  private long maxRequestBodyBytes = Long.MAX_VALUE;
  private boolean retries;

  private void start(String endpoint, boolean fastLane) {
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "r1")))
        .noCache()
        .cluster(Cluster.named("r1").endpoint(endpoint).requestTimeout(requestTimeout))
        .build();
    forwarder = Forwarder.builder(router).fastLane(fastLane).fastLaneBodies(fastLaneBodies)
        .maxRequestBodyBytes(maxRequestBodyBytes).retries(retries)
        .eventLoops(1) // requests from this thread would go to the loops in turn: one pool here
        .build();
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
    RequestBody b = body == null ? RequestBody.empty() : RequestBody.of(new ByteArrayInputStream(body), body.length);
    return forward(method, b);
  }

  private ForwardResult lastResult;

  private Sink forward(String method, RequestBody b) throws Exception {
    InboundRequest request = InboundRequest.builder().method(method).target("/x").header("Host", "a.example").build();
    Sink sink = new Sink();
    lastResult = forwarder.handle(request, b, sink).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.ended.await(5, TimeUnit.SECONDS)).isTrue();
    return sink;
  }

  /** Reads each request head and its Content-Length body, answers OK, keeps the connection. */
  private static ScriptedUpstream echoingBodies(java.util.concurrent.BlockingQueue<String> got) throws IOException {
    return new ScriptedUpstream((s, in) -> {
      String head;
      while ((head = ScriptedUpstream.readHead(in)) != null) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int len = m.find() ? Integer.parseInt(m.group(1)) : 0;
        got.add(head + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1));
        s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
    });
  }

  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Up: 1\r\n\r\nok";

  @Test
  void aGetAndAPostWithABodyTakeTheFastLaneOnOneConnection() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
    start(echoingBodies(got));
    Sink get = forward("GET", (byte[]) null);
    assertThat(get.status).isEqualTo(200);
    assertThat(get.text()).isEqualTo("ok");
    assertThat(got.take()).startsWith("GET /x HTTP/1.1\r\nHost: 127.0.0.1:").doesNotContain("Java-http-client");
    Sink post = forward("POST", "abc".getBytes(StandardCharsets.UTF_8));
    assertThat(post.text()).isEqualTo("ok");
    assertThat(lastResult.bytesIn()).isEqualTo(3);
    assertThat(got.take()).startsWith("POST /x HTTP/1.1\r\n").contains("\r\nContent-Length: 3\r\n")
        .doesNotContain("Java-http-client").doesNotContainIgnoringCase("expect").endsWith("\r\n\r\nabc");
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void aChunkedBodyTakesTheFastLaneAndIsCounted() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
    start(new ScriptedUpstream((s, in) -> {
      String head = ScriptedUpstream.readHead(in);
      StringBuilder b = new StringBuilder(head);
      while (!b.toString().endsWith("\r\n0\r\n\r\n")) {
        b.append((char) in.read());
      }
      got.add(b.toString());
      s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      in.readAllBytes();
    }));
    byte[] body = new byte[40_000];
    java.util.Arrays.fill(body, (byte) 'z');
    Sink post = forward("POST", RequestBody.of(new ByteArrayInputStream(body), -1));
    assertThat(post.status).isEqualTo(200);
    assertThat(lastResult.bytesIn()).isEqualTo(40_000);
    String sent = got.take();
    assertThat(sent).contains("\r\nTransfer-Encoding: chunked\r\n").doesNotContain("Java-http-client");
    assertThat(sent.substring(sent.indexOf("\r\n\r\n") + 4)).isEqualTo("4000\r\n" + "z".repeat(16384) + "\r\n"
        + "4000\r\n" + "z".repeat(16384) + "\r\n" + "1c40\r\n" + "z".repeat(7232) + "\r\n0\r\n\r\n");
  }

  @Test
  void anEarlyAnswerToAPostReachesTheClientAndTheConnectionIsNotReused() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope"
          .getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      in.readAllBytes(); // until the forwarder closes
    }));
    java.io.InputStream stalled = new java.io.InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          release.await(); // a client that is slow to send its body
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        return -1;
      }
    };
    try {
      Sink s = forward("POST", RequestBody.of(stalled, 1_000_000));
      assertThat(s.status).isEqualTo(401);
      assertThat(s.text()).isEqualTo("nope");
      assertThat(forwarder.upstream().idleConnections(
          io.github.regionalrouter.cluster.Endpoint.parse("http://127.0.0.1:" + upstream.port()))).isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void withFastLaneBodiesOffAPostTakesJavaNetHttp() throws Exception {
    fastLaneBodies = false;
    start(ScriptedUpstream.answering(OK));
    assertThat(forward("POST", "abc".getBytes(StandardCharsets.UTF_8)).text()).isEqualTo("ok");
    assertThat(upstream.heads.take()).contains("Java-http-client");
  }

  @Test
  void aClientBodyThatFailsMidWayIsA400AndTheUpstreamSeesTheConnectionClosedEarly() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
    start(new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      got.add(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }));
    java.io.InputStream failing = new java.io.InputStream() {
      boolean gave;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (gave) {
          throw new IOException("client went away");
        }
        gave = true;
        b[off] = 'h';
        b[off + 1] = 'i';
        return 2;
      }
    };
    Sink s = forward("POST", RequestBody.of(failing, 100));
    assertThat(s.status).isEqualTo(400);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("invalid_request");
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("hi");
    assertThat(lastResult.bytesIn()).isEqualTo(2);
    assertThat(router.clusters().get("r1").inFlight()).isZero();
  }

  @Test
  void aChunkedBodyOverTheLimitIsA413AndTheUpstreamNeverGetsTheLastChunk() throws Exception {
    maxRequestBodyBytes = 20_000;
    java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
    start(new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      got.add(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }));
    Sink s = forward("POST", RequestBody.of(new ByteArrayInputStream(new byte[50_000]), -1));
    assertThat(s.status).isEqualTo(413);
    assertThat(got.poll(10, TimeUnit.SECONDS)).doesNotEndWith("0\r\n\r\n").hasSizeLessThan(20_000);
  }

  @Test
  void withTheFastLaneOffEverythingTakesJavaNetHttp() throws Exception {
    upstream = ScriptedUpstream.answering(OK);
    start("http://127.0.0.1:" + upstream.port(), false);
    assertThat(forward("GET", (byte[]) null).text()).isEqualTo("ok");
    assertThat(upstream.heads.take()).contains("Java-http-client");
  }

  @Test
  void anInvalidUpstreamAnswerIsA502AndNothingOfItReachesTheClient() throws Exception {
    start(ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n"
        + "X-Evil: 1\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.status).isEqualTo(502);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("upstream_protocol_error");
    assertThat(s.headers).doesNotContainKey("X-Evil");
    assertThat(s.text()).doesNotContain("ok\r\n");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "chunk-size line \"{0}\" is a 502 or an aborted answer, never a body")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"5;", "5;bad[=x", "5;a=", "5;a=\"b"})
  void anUpstreamChunkExtensionThatIsNotTokenEqualsValueFailsTheAnswer(String sizeLine) throws Exception {
    start(ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine
        + "\r\nhello\r\n0\r\n\r\n"));
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.ended.await(10, TimeUnit.SECONDS)).isTrue();
    if (s.status != 502) {
      assertThat(s.aborted).as("status %d and no abort", s.status).isNotNull();
    }
    assertThat(s.text()).doesNotContain("hello");
  }

  @Test
  void anUpstreamChunkExtensionOfTokensAndQuotedStringsIsAccepted() throws Exception {
    start(ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5 ; a=b;c=\"d \\\" e\"\r\nhello\r\n0\r\n\r\n"));
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(s.status).isEqualTo(200);
    assertThat(s.aborted).isNull();
    assertThat(s.text()).isEqualTo("hello");
  }

  @Test
  void aRefusedConnectionIsA502() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    start("http://127.0.0.1:" + port, true);
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.status).isEqualTo(502);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("upstream_unreachable");
    assertThat(router.clusters().get("r1").inFlight()).isZero();
  }

  /** Closes its first {@code closing} connections after reading a request head, then answers OK. */
  private static ScriptedUpstream closingFirst(int closing) throws IOException {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return new ScriptedUpstream((s, in) -> {
      boolean close = n.incrementAndGet() <= closing;
      while (ScriptedUpstream.readHead(in) != null) {
        if (close) {
          return; // not one byte of an answer
        }
        s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
    });
  }

  // classified by type in both lanes: java.net.http's "header parser received no bytes" was
  // once counted a protocol error for the word "header" in its message
  @org.junit.jupiter.params.ParameterizedTest(name = "fast lane {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void anUpstreamThatClosesBeforeAnyByteOfItsAnswerIsUnreachableNotAProtocolError(boolean fastLane)
      throws Exception {
    upstream = closingFirst(Integer.MAX_VALUE);
    start("http://127.0.0.1:" + upstream.port(), fastLane);
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.status).isEqualTo(502);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("upstream_unreachable");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "fast lane {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aGetWhoseUpstreamClosedBeforeAnsweringIsRetriedOnce(boolean fastLane) throws Exception {
    retries = true;
    upstream = closingFirst(1);
    start("http://127.0.0.1:" + upstream.port(), fastLane);
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.status).isEqualTo(200);
    assertThat(s.text()).isEqualTo("ok");
    assertThat(upstream.accepted.get()).isEqualTo(2);
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
    Sink s = forward("GET", (byte[]) null);
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
    Sink s = forward("GET", (byte[]) null);
    assertThat(s.status).isEqualTo(200);
    assertThat(s.aborted).isNotNull();
    assertThat(router.clusters().get("r1").inFlight()).isZero();
  }

  @Test
  void closeStopsTheFastLaneThread() throws Exception {
    start(ScriptedUpstream.answering(OK));
    forward("GET", (byte[]) null);
    long before = threads();
    assertThat(before).isGreaterThanOrEqualTo(1);
    forwarder.close();
    assertThat(threads()).isEqualTo(before - 1);
    forwarder = null;
  }

  private static long threads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("regional-router-loop-")).count();
  }
}
