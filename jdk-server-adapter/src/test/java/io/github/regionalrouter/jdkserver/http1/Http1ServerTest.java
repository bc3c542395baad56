package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a well-behaved client gets: framing, keep-alive, streaming, async completion, abort. */
@Timeout(30)
class Http1ServerTest {
  /** The server under test; a subclass runs every test on the event loop. */
  Http1Server.Builder builder() {
    return Http1Server.builder();
  }

  private Http1Server server;
  private final ExecutorService async = Executors.newCachedThreadPool();

  private Http1Server start(Http1Handler handler) throws IOException {
    server = builder().handler(handler).build().start();
    return server;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close(Duration.ZERO);
    }
    async.shutdownNow();
    async.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: a.example\r\n\r\n";
  }

  @Test
  void severalRequestsShareOneKeptAliveConnection() throws IOException {
    start(ex -> ex.respond(200, ex.method() + " " + ex.target() + " " + ex.header("HOST")));
    try (RawClient c = new RawClient(server.address())) {
      for (int i = 0; i < 5; i++) {
        RawClient.Response r = c.send(get("/r" + i)).read();
        assertThat(r.status).isEqualTo(200);
        assertThat(r.text()).isEqualTo("GET /r" + i + " a.example\n");
        assertThat(r.header("Connection")).isNull();
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    start(ex -> ex.respond(200, ex.target()));
    try (RawClient c = new RawClient(server.address())) {
      c.send(get("/1") + get("/2") + get("/3"));
      assertThat(c.read().text()).isEqualTo("/1\n");
      assertThat(c.read().text()).isEqualTo("/2\n");
      assertThat(c.read().text()).isEqualTo("/3\n");
    }
  }

  @Test
  void exchangesCompletedLaterOnAnotherThreadKeepTheConnection() throws IOException {
    start(ex -> async.execute(() -> {
      try {
        ex.respond(200, "later " + ex.target());
      } catch (IOException e) {
        ex.abort();
      }
    }));
    try (RawClient c = new RawClient(server.address())) {
      for (int i = 0; i < 5; i++) {
        assertThat(c.send(get("/" + i)).read().text()).isEqualTo("later /" + i + "\n");
      }
    }
  }

  @Test
  void requestViewMatchesHeadersCaseInsensitivelyAndKeepsOrder() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    start(ex -> {
      seen.set(ex.header("x-a") + "|" + ex.headers("X-A") + "|" + ex.headerNames() + "|" + ex.version() + "|"
          + ex.contentLength() + "|" + ex.hasBody() + "|" + ex.remoteAddress().getAddress().isLoopbackAddress());
      ex.respond(204, "");
    });
    try (RawClient c = new RawClient(server.address())) {
      c.send("GET http://other.example/x HTTP/1.1\r\nHost: a.example\r\nX-A:  1 \t\r\nx-a: 2\r\n\r\n");
      assertThat(c.read().status).isEqualTo(204);
    }
    assertThat(seen.get()).isEqualTo("1|[1, 2]|[Host, X-A]|HTTP/1.1|0|false|true");
  }

  @Test
  void chunkedRequestBodyIsDecodedExactlyWithExtensionsAndTrailers() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    start(handler);
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
          + "5;name=value\r\nhello\r\n1\r\n \r\n000A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
      RawClient.Response r = c.read();
      assertThat(r.text()).isEqualTo("ok 16\n");
      // the connection is still usable
      assertThat(c.send(get("/next")).read().status).isEqualTo(200);
    }
    assertThat(new String(handler.awaitSeen(2).get(0).body(), StandardCharsets.ISO_8859_1))
        .isEqualTo("hello 0123456789");
  }

  @Test
  void fiftyMegabyteBodyStreamsBothWaysChunkedWithSmallBuffers() throws Exception {
    long size = 50L * 1024 * 1024;
    // echoes the body back as it reads it: nothing is held whole
    start(ex -> async.execute(() -> {
      try (InputStream in = ex.requestBody()) {
        ex.sendHead(200, Map.of("Content-Type", List.of("application/octet-stream")), -1);
        byte[] buf = new byte[16 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
          ex.write(ByteBuffer.wrap(buf, 0, n));
        }
        ex.complete();
      } catch (IOException e) {
        ex.abort();
      }
    }));
    try (RawClient c = new RawClient(server.address())) {
      CRC32 sent = new CRC32();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = c.out;
          out.write(("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          byte[] block = new byte[64 * 1024];
          for (long off = 0; off < size; off += block.length) {
            for (int i = 0; i < block.length; i++) {
              block[i] = (byte) ((off + i) * 31 >>> 7);
            }
            sent.update(block);
            out.write(block);
          }
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, async);
      String status = c.line();
      assertThat(status).isEqualTo("HTTP/1.1 200 OK");
      for (String l = c.line(); !l.isEmpty(); l = c.line()) {
        // headers
      }
      CRC32 got = new CRC32();
      long total = 0;
      while (true) {
        int n = Integer.parseInt(c.line(), 16);
        if (n == 0) {
          assertThat(c.line()).isEmpty();
          break;
        }
        got.update(c.exactly(n));
        total += n;
        assertThat(c.line()).isEmpty();
      }
      writer.get(20, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(size);
      assertThat(got.getValue()).isEqualTo(sent.getValue());
    }
  }

  @Test
  void unknownLengthResponseIsChunkedAndKnownLengthIsNot() throws IOException {
    start(ex -> {
      byte[] part = "abc".getBytes(StandardCharsets.US_ASCII);
      if (ex.target().equals("/chunked")) {
        ex.sendHead(200, Map.of(), -1);
        for (int i = 0; i < 3; i++) {
          ex.write(ByteBuffer.wrap(part));
        }
        ex.write(ByteBuffer.allocateDirect(4).put("defg".getBytes(StandardCharsets.US_ASCII)).flip());
      } else {
        ex.sendHead(200, List.of(Map.entry("X-Kind", "fixed")), 6);
        ex.write(ByteBuffer.wrap(part));
        ex.write(part, 0, 3);
      }
      ex.complete();
    });
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response chunked = c.send(get("/chunked")).read();
      assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(chunked.text()).isEqualTo("abcabcabcdefg");
      RawClient.Response fixed = c.send(get("/fixed")).read();
      assertThat(fixed.header("Content-Length")).isEqualTo("6");
      assertThat(fixed.header("X-Kind")).isEqualTo("fixed");
      assertThat(fixed.text()).isEqualTo("abcabc");
    }
  }

  @Test
  void abortResetsTheConnectionAndLeavesTheChunkedBodyUnterminated() throws IOException {
    start(ex -> {
      ex.sendHead(200, Map.of(), -1);
      ex.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)));
      ex.abort();
    });
    try (RawClient c = new RawClient(server.address())) {
      c.send(get("/"));
      assertThatThrownBy(c::read).isInstanceOf(IOException.class);
    }
  }

  @Test
  void shortFixedLengthBodyAtCompleteAbortsInsteadOfLookingComplete() throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    start(ex -> {
      ex.sendHead(200, Map.of(), 10);
      ex.write(ByteBuffer.wrap(new byte[4]));
      try {
        ex.complete();
        failure.complete(null);
      } catch (IOException e) {
        failure.complete(e);
      }
    });
    try (RawClient c = new RawClient(server.address())) {
      c.send(get("/"));
      assertThatThrownBy(c::read).isInstanceOf(IOException.class);
    }
    assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
  }

  @Test
  void headAnd204And304HaveNoBodyAndTheConnectionStaysInSync() throws IOException {
    start(ex -> {
      int status = ex.target().equals("/204") ? 204 : ex.target().equals("/304") ? 304 : 200;
      ex.sendHead(status, Map.of(), status == 200 ? 5 : -1);
      ex.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
      ex.complete();
    });
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response head = c.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
      assertThat(head.header("Content-Length")).isEqualTo("5");
      RawClient.Response r204 = c.send(get("/204")).read();
      assertThat(r204.status).isEqualTo(204);
      assertThat(r204.header("Content-Length")).isNull();
      assertThat(r204.header("Transfer-Encoding")).isNull();
      RawClient.Response r304 = c.send(get("/304")).read();
      assertThat(r304.status).isEqualTo(304);
      assertThat(r304.header("Transfer-Encoding")).isNull();
      assertThat(c.send(get("/")).read().text()).isEqualTo("hello");
    }
  }

  @Test
  void invalidResponseHeadersThrowAndNothingIsWritten() throws Exception {
    CompletableFuture<String> errors = new CompletableFuture<>();
    start(ex -> {
      StringBuilder sb = new StringBuilder();
      for (String bad : new String[] {"a\r\nregion: evil", "a\nb", "a\0b"}) {
        try {
          ex.sendHead(200, List.of(Map.entry("X-Ok", "1"), Map.entry("X-Bad", bad)), 0);
        } catch (IllegalArgumentException e) {
          sb.append('x');
        }
      }
      try {
        ex.sendHead(200, List.of(Map.entry("Bad Name", "v")), 0);
      } catch (IllegalArgumentException e) {
        sb.append('n');
      }
      errors.complete(sb.toString());
      ex.respond(200, "clean");
    });
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response r = c.send(get("/")).read();
      assertThat(r.text()).isEqualTo("clean\n");
      assertThat(r.header("X-Ok")).isNull();
      assertThat(r.headers).hasSize(2);
    }
    assertThat(errors.get(5, TimeUnit.SECONDS)).isEqualTo("xxxn");
  }

  @Test
  void expectContinueGets100AtTheFirstBodyRead() throws IOException {
    start(new RecordingHandler());
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.read().status).isEqualTo(100);
      c.send("hello");
      assertThat(c.read().text()).isEqualTo("ok 5\n");
    }
  }

  @Test
  void unreadSmallBodyIsDrainedAndTheConnectionKept() throws IOException {
    start(ex -> ex.respond(200, "ignored body"));
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" + get("/again"));
      assertThat(c.read().status).isEqualTo(200);
      assertThat(c.read().status).isEqualTo(200);
    }
  }

  @Test
  void http10ClosesUnlessKeepAliveIsAsked() throws IOException {
    start(ex -> ex.respond(200, "x"));
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response r = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
      assertThat(r.header("Connection")).isEqualTo("keep-alive");
      r = c.send("GET / HTTP/1.0\r\n\r\n").read();
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").read();
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void unknownLengthAnswerToHttp10IsCloseDelimited() throws IOException {
    start(ex -> {
      ex.sendHead(200, Map.of(), -1);
      ex.write("no chunks".getBytes(StandardCharsets.US_ASCII), 0, 9);
      ex.complete();
    });
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response r = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
      assertThat(r.header("Transfer-Encoding")).isNull();
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(r.text()).isEqualTo("no chunks");
    }
  }

  @Test
  void framingHeadersFromTheHandlerAreReplacedByTheServers() throws IOException {
    start(ex -> {
      ex.sendHead(200, List.of(Map.entry("Content-Length", "999"), Map.entry("Transfer-Encoding", "gzip"),
          Map.entry("Connection", "upgrade"), Map.entry("X-Kept", "yes")), 2);
      ex.write("ok".getBytes(StandardCharsets.US_ASCII), 0, 2);
      ex.complete();
    });
    try (RawClient c = new RawClient(server.address())) {
      RawClient.Response r = c.send(get("/")).read();
      assertThat(r.headers).extracting(h -> h[0] + ": " + h[1]).containsExactly("X-Kept: yes", "Content-Length: 2");
      assertThat(r.text()).isEqualTo("ok");
    }
  }

  @Test
  void handlerThatThrowsGets500AndClose() throws IOException {
    start(ex -> {
      throw new IllegalStateException("boom");
    });
    try (RawClient c = new RawClient(server.address())) {
      assertThat(c.send(get("/")).read().status).isEqualTo(500);
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
