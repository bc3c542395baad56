package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5, hostile requests 1-14: raw bytes against the standalone proxy as {@link Main} builds it
 * from a config (default engine), with a mockwebserver discovery stub and a raw upstream that
 * records what reached it. Each case asserts the answer and what discovery and the upstream saw.
 */
@Timeout(30)
class StandaloneProxyHostileRequestTest {
  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
  static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(1);

  StandaloneProxy fixture;
  MockWebServer discovery;
  List<String> discoveryAsked;
  RecordingUpstream upstream;
  RegionalProxyServer proxy;

  @BeforeEach
  void start() throws IOException {
    fixture = new StandaloneProxy("\"headerTimeout\": \"" + HEADER_TIMEOUT.toMillis() + "ms\", \"bodyIdleTimeout\": \""
        + BODY_IDLE_TIMEOUT.toMillis() + "ms\", \"drainTimeout\": \"5s\"");
    discovery = fixture.discovery;
    discoveryAsked = fixture.discoveryAsked;
    upstream = fixture.upstream;
    proxy = fixture.proxy;
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
  }

  /**
   * What the client saw: the status (0 if none) and whether the proxy closed the connection after
   * (only looked for when asked: a kept-alive connection would make the check wait).
   */
  record Answer(int status, RawHttp.Response response, boolean closed) {}

  /** Sends {@code raw}, reads the answer, and waits for the proxy to close the connection. */
  Answer send(String raw) throws IOException {
    return send(raw, true);
  }

  /** Sends {@code raw}, reads the answer (the connection stays open for the proxy to keep). */
  Answer sendKeepAlive(String raw) throws IOException {
    return send(raw, false);
  }

  private Answer send(String raw, boolean awaitClose) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", proxy.address().getPort()), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      RawHttp.Response r = RawHttp.read(in, true);
      return new Answer(r.status, r, r.aborted || awaitClose && closedByServer(in));
    }
  }

  static boolean closedByServer(InputStream in) throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  static Stream<Arguments> refusedBeforeRouting() {
    String post = "POST / HTTP/1.1\r\nHost: a.example\r\n";
    String get = "GET / HTTP/1.1\r\n";
    return Stream.of(
        // 1. CL and TE together
        Arguments.of("1 CL then TE", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("1 TE then CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("1 tab-prefixed TE", post + "Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n\r\nhello", 400),
        // 2. two Content-Length
        Arguments.of("2 two Content-Length", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
        Arguments.of("2 Content-Length: 5, 5", post + "Content-Length: 5, 5\r\n\r\nhello", 400),
        // 3. bad Content-Length
        Arguments.of("3 Content-Length: +5", post + "Content-Length: +5\r\n\r\nhello", 400),
        Arguments.of("3 Content-Length: 0x10", post + "Content-Length: 0x10\r\n\r\n", 400),
        Arguments.of("3 Content-Length: -1", post + "Content-Length: -1\r\n\r\n", 400),
        Arguments.of("3 Content-Length: 20 digits", post + "Content-Length: 10000000000000000000\r\n\r\n", 400),
        // 4. bad Transfer-Encoding
        Arguments.of("4 TE xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n", 501),
        Arguments.of("4 TE chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n", 400),
        Arguments.of("4 two TE lines", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("4 TE on HTTP/1.0", "POST / HTTP/1.0\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        // 6. folded line, whitespace before the colon
        Arguments.of("6 folded header", get + "Host: a.example\r\nX-A: b\r\n region: evil\r\n\r\n", 400),
        Arguments.of("6 space before colon", get + "Host: a.example\r\nregion : evil\r\n\r\n", 400),
        // 7. bare CR, LF, NUL in a value
        Arguments.of("7 bare CR in a value", get + "Host: a.example\r\nX-A: b\rregion: evil\r\n\r\n", 400),
        Arguments.of("7 bare LF in a value", get + "Host: a.example\r\nX-A: b\nregion: evil\r\n\r\n", 400),
        Arguments.of("7 NUL in a value", get + "Host: a.example\r\nX-A: b\0region: evil\r\n\r\n", 400),
        // 8. Host missing or repeated
        Arguments.of("8 missing Host", get + "X-A: b\r\n\r\n", 400),
        Arguments.of("8 two Host", get + "Host: a.example\r\nHost: b.example\r\n\r\n", 400),
        Arguments.of("8 Host with a control byte", get + "Host: a\u0001.example\r\n\r\n", 400),
        // 13. size limits
        Arguments.of("13 70 KB header", get + "Host: a.example\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\n\r\n", 431),
        Arguments.of("13 300 headers", get + "Host: a.example\r\n" + "X-H: v\r\n".repeat(300) + "\r\n", 431),
        Arguments.of("13 16 KB request line", "GET /" + "a".repeat(16 * 1024) + " HTTP/1.1\r\nHost: a.example\r\n\r\n", 414),
        // issue 11: request-targets RFC 3986 does not allow, TE with chunked not last, a huge method
        Arguments.of("# in target", "GET /public#/../admin HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("backslash in target", "GET /public\\..\\admin HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("{ in target", "GET /a{b} HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("| in target", "GET /a|b HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("^ in target", "GET /a^b HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("backtick in target", "GET /a`b HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("< > in target", "GET /<script> HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("quote in target", "GET /a\"b HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("authority-form for CONNECT", "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", 501),
        Arguments.of("* for GET", "GET * HTTP/1.1\r\nHost: a.example\r\n\r\n", 400),
        Arguments.of("TE chunked, gzip", post + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
        Arguments.of("100 KB method", "G".repeat(100 * 1024) + " / HTTP/1.1\r\nHost: a.example\r\n\r\n", 501));
  }

  @ParameterizedTest(name = "{0}: {2}, connection closed, nothing reaches discovery or the upstream")
  @MethodSource("refusedBeforeRouting")
  void a_malformed_request_is_answered_and_closed_before_discovery_or_the_upstream_see_it(String name, String raw,
      int status) throws Exception {
    Answer a = send(raw);

    assertThat(a.status()).as(name).isEqualTo(status);
    assertThat(a.closed()).as("connection closed").isTrue();
    if (status < 500) {
      assertThat(a.response().header("X-Router-Error")).isEqualTo("invalid_request");
    }
    assertThat(discovery.getRequestCount()).as("discovery calls").isZero();
    assertThat(upstream.connections.get()).as("upstream connections").isZero();
  }

  static Stream<Arguments> invalidHosts() {
    return Stream.of("a.example/x", "a.example?x", "user@a.example", "a.example#x", "a\\example", "a..example",
        "..", "a".repeat(256) + ".example").map(Arguments::of);
  }

  @ParameterizedTest(name = "8 Host \"{0}\": 400, zero discovery calls")
  @MethodSource("invalidHosts")
  void an_invalid_host_is_answered_400_without_a_discovery_call(String host) throws Exception {
    Answer a = sendKeepAlive("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.response().header("X-Router-Error")).isEqualTo("invalid_request");
    assertThat(discovery.getRequestCount()).isZero();
    assertThat(upstream.connections.get()).isZero();
  }

  static Stream<Arguments> badChunks() {
    return Stream.of(
        Arguments.of("bad chunk size", "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n"),
        Arguments.of("overflowing chunk size", "5\r\nhello\r\n8000000000000000\r\nworld\r\n0\r\n\r\n"),
        Arguments.of("LF-only chunk line", "5\r\nhello\r\n5\nworld\r\n0\r\n\r\n"),
        Arguments.of("LF-only last chunk", "5\r\nhello\r\n0\n\n"),
        Arguments.of("chunk extension with no name", "5;\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("chunk extension 5;bad[=x", "5;bad[=x\r\nhello\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "5 {0}: 400 or closed; the upstream never sees a complete body")
  @MethodSource("badChunks")
  void a_malformed_chunked_body_is_never_forwarded_as_complete(String name, String chunks) throws Exception {
    Answer a = send("POST /up HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);

    assertThat(a.status() == 400 || a.status() == 0).as(name + ": status " + a.status()).isTrue();
    assertThat(a.closed()).isTrue();
    // every request head that reached the upstream ends with a failed body
    assertThat(Poll.until(() -> upstream.received.size() == upstream.heads.get(), Duration.ofSeconds(5))).isTrue();
    assertThat(upstream.received).allSatisfy(r -> assertThat(r.bodyError()).as("body error").isNotNull());
    assertThat(Poll.until(() -> cluster().inFlight() == 0, Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void options_asterisk_is_forwarded_upstream_as_options_asterisk() throws Exception {
    Answer a = sendKeepAlive("OPTIONS * HTTP/1.1\r\nHost: a.example\r\n\r\n");

    assertThat(a.status()).isEqualTo(200);
    RecordingUpstream.Received r = upstream.received.poll(5, TimeUnit.SECONDS);
    assertThat(r.requestLine()).isEqualTo("OPTIONS * HTTP/1.1");
  }

  @Test
  void case_9_an_absolute_form_target_is_routed_and_forwarded_by_its_own_authority() throws Exception {
    Answer a = sendKeepAlive("GET http://other.example/p?q=1 HTTP/1.1\r\nHost: a.example\r\n\r\n");

    assertThat(a.status()).isEqualTo(200);
    assertThat(discoveryAsked).containsExactly("other.example");
    RecordingUpstream.Received r = upstream.received.poll(5, TimeUnit.SECONDS);
    assertThat(r.target()).isEqualTo("/p?q=1");
    assertThat(r.values("X-Forwarded-Host")).containsExactly("other.example");
    assertThat(r.values("Host")).containsExactly("127.0.0.1:" + upstream.port());
    assertThat(r.headers()).noneMatch(h -> h[1].contains("a.example"));
  }

  @Test
  void case_10_client_routing_headers_in_any_case_repeated_or_joined_are_replaced_by_one_from_discovery()
      throws Exception {
    Answer a = sendKeepAlive("GET / HTTP/1.1\r\nHost: a.example\r\nregion: evil\r\nRegion: us_central1\r\n"
        + "REGION: x, y\r\nregion: us_central1, us_east1\r\n\r\n");

    assertThat(a.status()).isEqualTo(200);
    RecordingUpstream.Received r = upstream.received.poll(5, TimeUnit.SECONDS);
    assertThat(r.values("region")).containsExactly("us_east1");
    assertThat(discovery.getRequestCount()).isEqualTo(1);
  }

  @Test
  void case_11_connection_listed_and_hop_by_hop_headers_never_reach_the_upstream_but_ours_do() throws Exception {
    Answer a = send("GET / HTTP/1.1\r\nHost: a.example\r\nConnection: close, region, X-Forwarded-For\r\n"
        + "region: evil\r\nX-Forwarded-For: 6.6.6.6\r\nTE: trailers\r\nUpgrade: websocket\r\n"
        + "Proxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
        + "X-Kept: yes\r\n\r\n");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.closed()).as("Connection: close honoured").isTrue();
    RecordingUpstream.Received r = upstream.received.poll(5, TimeUnit.SECONDS);
    for (String gone : List.of("Connection", "TE", "Upgrade", "Proxy-Authorization", "Proxy-Connection", "Keep-Alive")) {
      assertThat(r.values(gone)).as(gone).isEmpty();
    }
    assertThat(r.values("region")).containsExactly("us_east1");
    assertThat(r.values("X-Forwarded-For")).containsExactly("127.0.0.1");
    assertThat(r.values("X-Kept")).containsExactly("yes");
  }

  @Test
  void case_12_x_forwarded_for_from_the_client_gets_the_peer_appended() throws Exception {
    Answer a = sendKeepAlive("GET / HTTP/1.1\r\nHost: a.example\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n");

    assertThat(a.status()).isEqualTo(200);
    RecordingUpstream.Received r = upstream.received.poll(5, TimeUnit.SECONDS);
    assertThat(r.values("X-Forwarded-For")).containsExactly("1.2.3.4, 127.0.0.1");
  }

  @Test
  void case_14_headers_trickled_at_one_byte_a_tick_are_cut_off_at_the_header_timeout() throws Exception {
    byte[] head = "GET / HTTP/1.1\r\nHost: a.example\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    long closedAfterMs;
    try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
      long t0 = System.nanoTime();
      OutputStream out = s.getOutputStream();
      int i = 0;
      try {
        // one byte every 100 ms: paces the client, waits for nothing
        for (; i < head.length; i++) {
          out.write(head[i]);
          out.flush();
          TimeUnit.MILLISECONDS.sleep(100);
        }
      } catch (SocketException e) {
        // the proxy closed the connection: what this test wants
      }
      s.setSoTimeout(10_000);
      assertThat(closedByServer(s.getInputStream())).isTrue();
      closedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(i).as("bytes sent before the close").isLessThan(head.length);
    }
    assertThat(closedAfterMs).isBetween(HEADER_TIMEOUT.toMillis() - 100, HEADER_TIMEOUT.toMillis() + 2_000);
    assertThat(discovery.getRequestCount()).isZero();
    assertThat(upstream.connections.get()).isZero();
  }

  @Test
  void case_14_a_stalled_request_body_is_cut_off_at_the_body_idle_timeout_and_the_upstream_released()
      throws Exception {
    long closedAfterMs;
    try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /up HTTP/1.1\r\nHost: a.example\r\nContent-Length: 100\r\n\r\n0123456789"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long t0 = System.nanoTime();
      RawHttp.Response r = RawHttp.read(s.getInputStream(), true);
      boolean closed = r.aborted || closedByServer(s.getInputStream());
      closedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(closed).isTrue();
      // nothing, or an error answer: never a success for a body that did not arrive
      assertThat(r.status == 0 || r.status >= 400).as("status " + r.status).isTrue();
    }
    assertThat(closedAfterMs).isBetween(BODY_IDLE_TIMEOUT.toMillis() - 100, BODY_IDLE_TIMEOUT.toMillis() + 3_000);
    RecordingUpstream.Received seen = upstream.received.poll(5, TimeUnit.SECONDS);
    assertThat(seen).as("the upstream saw the request start").isNotNull();
    assertThat(seen.bodyError()).as("the upstream request was aborted, not completed").isNotNull();
    assertThat(Poll.until(() -> cluster().inFlight() == 0, Duration.ofSeconds(5)))
        .as("cluster in-flight back to 0").isTrue();
  }

  io.github.regionalrouter.cluster.ClusterState cluster() {
    return proxy.router().clusters().get("us_east1");
  }
}
