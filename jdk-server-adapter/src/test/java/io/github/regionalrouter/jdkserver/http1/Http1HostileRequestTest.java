package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5's hostile heads: each gets its stated answer, the connection is closed, and the handler
 * is never called (nothing can reach an upstream).
 */
@Timeout(20)
class Http1HostileRequestTest {
  /** The server under test; a subclass runs every test on the event loop. */
  Http1Server.Builder builder() {
    return Http1Server.builder();
  }

  private final RecordingHandler handler = new RecordingHandler();
  private Http1Server server;

  @BeforeEach
  void start() throws IOException {
    server = builder().handler(handler).build().start();
  }

  @AfterEach
  void stop() {
    server.close(Duration.ZERO);
  }

  static Stream<Arguments> hostile() {
    String h = "POST / HTTP/1.1\r\nHost: a.example\r\n";
    return Stream.of(
        Arguments.of("CL then TE", h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE then CL", h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("tab-prefixed TE with CL", h + "Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n\r\n", 400),
        Arguments.of("space-prefixed TE line (fold) with CL", h + "Content-Length: 5\r\n Transfer-Encoding: chunked\r\n\r\n", 400),
        Arguments.of("two equal Content-Length", h + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
        Arguments.of("Content-Length list", h + "Content-Length: 5, 5\r\n\r\nhello", 400),
        Arguments.of("Content-Length +5", h + "Content-Length: +5\r\n\r\nhello", 400),
        Arguments.of("Content-Length 0x10", h + "Content-Length: 0x10\r\n\r\n", 400),
        Arguments.of("Content-Length -1", h + "Content-Length: -1\r\n\r\n", 400),
        Arguments.of("Content-Length 20 digits", h + "Content-Length: 10000000000000000000\r\n\r\n", 400),
        Arguments.of("Content-Length empty", h + "Content-Length: \r\n\r\n", 400),
        Arguments.of("TE xchunked", h + "Transfer-Encoding: xchunked\r\n\r\n", 501),
        // RFC 9112 6.3: chunked not the final coding means the length cannot be determined: 400
        Arguments.of("TE chunked, identity", h + "Transfer-Encoding: chunked, identity\r\n\r\n", 400),
        Arguments.of("TE chunked, gzip", h + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
        Arguments.of("TE gzip, chunked", h + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
        Arguments.of("two TE lines", h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        Arguments.of("TE on HTTP/1.0", "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("folded header", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400),
        Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n", 400),
        Arguments.of("tab before colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A\t: b\r\n\r\n", 400),
        Arguments.of("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rregion: evil\r\n\r\n", 400),
        Arguments.of("bare LF in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\nregion: evil\r\n\r\n", 400),
        Arguments.of("NUL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n", 400),
        Arguments.of("DEL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u007fc\r\n\r\n", 400),
        Arguments.of("LF-only line ends", "GET / HTTP/1.1\nHost: a\n\n", 400),
        Arguments.of("non-token header name", "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", 400),
        Arguments.of("empty header name", "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", 400),
        Arguments.of("missing Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400),
        Arguments.of("two Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("two Host on HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("double space in request line", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("trailing space in request line", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
        Arguments.of("relative target", "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("* for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("non-ASCII target", "GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("ftp absolute target", "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("CONNECT", "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", 501),
        Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        Arguments.of("garbage version", "GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("request line 16 KB", "GET /" + "a".repeat(16 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        Arguments.of("100 KB method", "G".repeat(100 * 1024) + " / HTTP/1.1\r\nHost: a\r\n\r\n", 501),
        Arguments.of("100 KB non-token method", "G(" + "G".repeat(100 * 1024) + " / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("# in target", "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("backslash in target", "GET /a\\..\\b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("{ in target", "GET /a{b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("} in target", "GET /a}b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("| in target", "GET /a|b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("^ in target", "GET /a^b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("backtick in target", "GET /a`b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("< in target", "GET /a<b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("> in target", "GET /a>b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("quote in target", "GET /a\"b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("[ in an origin-form path", "GET /a[1] HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("% without two hex digits", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("# in absolute-form target", "GET http://a/p#f HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("authority-form for GET", "GET a.example:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("* for POST", "POST * HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 400),
        Arguments.of("70 KB header", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\n\r\n", 431),
        Arguments.of("300 headers", "GET / HTTP/1.1\r\nHost: a\r\n" + "X-H: v\r\n".repeat(300) + "\r\n", 431));
  }

  @ParameterizedTest(name = "{0} is answered {2} and the connection closed, handler never called")
  @MethodSource("hostile")
  void hostileHeadIsRefusedBeforeTheHandler(String name, String request, int status) throws IOException {
    try (RawClient c = new RawClient(server.address())) {
      c.send(request);
      RawClient.Response r = c.read();
      assertThat(r.status).as(name).isEqualTo(status);
      assertThat(r.header("Connection")).isEqualTo("close");
      if (status < 500) {
        assertThat(r.header("X-Router-Error")).isEqualTo("invalid_request");
      }
      assertThat(r.header("Content-Type")).startsWith("text/plain");
      assertThat(c.closedByServer()).as("connection closed").isTrue();
    }
    assertThat(handler.seen).as("handler calls").isEmpty();
  }

  static Stream<Arguments> allowedTargets() {
    return Stream.of(
        Arguments.of("OPTIONS", "*"),
        Arguments.of("GET", "/a/b;p=1?q=a/b?c&d=%2F%20"),
        Arguments.of("GET", "/!$&'()*+,;=:@-._~"),
        Arguments.of("GET", "http://a.example/p?q"),
        Arguments.of("GET", "http://[::1]:8080/p"));
  }

  @ParameterizedTest(name = "{0} {1} reaches the handler unchanged")
  @MethodSource("allowedTargets")
  void everyRequestTargetFormRfc9112AllowsReachesTheHandler(String method, String target) throws Exception {
    try (RawClient c = new RawClient(server.address())) {
      c.send(method + " " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status).isEqualTo(200);
    }
    assertThat(handler.awaitSeen(1).get(0).target()).isEqualTo(target);
  }

  static Stream<Arguments> allowedChunkExtensions() {
    return Stream.of(Arguments.of("5;a"), Arguments.of("5;a=b"), Arguments.of("5 ; a = \"q \\\" d\" ;c"),
        Arguments.of("5;a=b;c=d"));
  }

  @ParameterizedTest(name = "chunk-size line {0} is accepted")
  @MethodSource("allowedChunkExtensions")
  void wellFormedChunkExtensionsAreAcceptedAndIgnored(String sizeLine) throws Exception {
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine
          + "\r\nhello\r\n0\r\n\r\n");
      assertThat(c.read().status).isEqualTo(200);
    }
    assertThat(handler.awaitSeen(1).get(0).body()).asString().isEqualTo("hello");
  }

  @Test
  void aSmuggledSecondRequestAfterARefusedHeadIsNeverRead() throws IOException {
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status).isEqualTo(400);
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(handler.seen).isEmpty();
  }

  static Stream<Arguments> badChunks() {
    return Stream.of(
        Arguments.of("bad chunk size", "zz\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("17 hex digits", "fffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("size overflowing a long", "8000000000000000\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("negative size", "-5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("LF-only size line", "5\nhello\r\n0\r\n\r\n"),
        Arguments.of("LF-only after data", "5\r\nhello\n0\r\n\r\n"),
        Arguments.of("no CRLF after data", "5\r\nhelloXX0\r\n\r\n"),
        Arguments.of("LF-only last chunk", "5\r\nhello\r\n0\n\n"),
        Arguments.of("bare LF in trailer section", "5\r\nhello\r\n0\r\nX-T: 1\n\r\n"),
        Arguments.of("control byte in extension", "5;a=\0\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("extension with no name", "5;\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("extension name then [", "5;bad[=x\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("extension value unterminated quote", "5;a=\"b\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("extension with = and no value", "5;a=\r\nhello\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}: the body stream throws, the client gets 400 and a closed connection")
  @MethodSource("badChunks")
  void malformedChunkedBodyFailsTheBodyStreamAndCloses(String name, String chunks) throws Exception {
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
      RawClient.Response r = c.read();
      assertThat(r.status).isEqualTo(400);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(handler.awaitSeen(1)).hasSize(1);
    assertThat(handler.seen.get(0).bodyError()).as("body stream error").isNotNull();
  }
}
