package io.github.regionalrouter.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Requests with a body on the fast lane: framing, streaming, early answers, failing bodies, reuse. */
@Timeout(30)
class UpstreamClientBodyTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  private ExecutorService executor;
  private UpstreamClient client;
  private ScriptedUpstream upstream;

  @BeforeEach
  void start() {
    executor = Executors.newCachedThreadPool();
    client = new UpstreamClient(executor, 256, Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    if (upstream != null) {
      upstream.close();
    }
    executor.shutdownNow();
  }

  private Endpoint endpoint(int port) {
    return Endpoint.parse("http://127.0.0.1:" + port);
  }

  private UpstreamClientTest.Result post(int port, InputStream body, long length) {
    UpstreamClientTest.Result r = new UpstreamClientTest.Result();
    r.future = client.send(endpoint(port), "POST", "/up", List.<String[]>of(new String[] {"X-A", "b"}),
        "example.com", LONG, LONG, body, length, r.handler());
    return r;
  }

  /** Gives the pieces, one per read, then EOF. */
  static InputStream pieces(String... parts) {
    return new InputStream() {
      int i;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (i == parts.length) {
          return -1;
        }
        byte[] p = parts[i++].getBytes(StandardCharsets.ISO_8859_1);
        assertThat(p.length).isLessThanOrEqualTo(len);
        System.arraycopy(p, 0, b, off, p.length);
        return p.length;
      }
    };
  }

  /** Gives {@code good} then fails with an IOException (a client that went away). */
  static InputStream failingAfter(String good) {
    return new InputStream() {
      boolean gave;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (gave) {
          throw new IOException("client aborted");
        }
        gave = true;
        byte[] p = good.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(p, 0, b, off, p.length);
        return p.length;
      }
    };
  }

  static byte[] readN(InputStream in, int n) throws IOException {
    return in.readNBytes(n);
  }

  static String readToEof(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  static String readThrough(InputStream in, String end) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) >= 0; ) {
      b.write(c);
      if (b.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
        break;
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aKnownLengthBodyArrivesByteExactAfterAContentLengthHead() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      String head = ScriptedUpstream.readHead(in);
      got.add(head + new String(readN(in, 11), StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
      readToEof(in);
    });
    UpstreamClientTest.Result r = post(upstream.port(), pieces("hello", " world"), 11).await();
    assertThat(r.body()).isEqualTo("ok");
    assertThat(got.take()).isEqualTo("POST /up HTTP/1.1\r\nHost: example.com\r\nContent-Length: 11\r\nX-A: b\r\n\r\n"
        + "hello world");
  }

  @Test
  void anUnknownLengthBodyIsSentChunkedWithExactFramingAndTheLastChunk() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      got.add(readThrough(in, "\r\n0\r\n\r\n"));
      s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
      readToEof(in);
    });
    String big = "x".repeat(300);
    UpstreamClientTest.Result r = post(upstream.port(), pieces("hello", " world", big), -1).await();
    assertThat(r.body()).isEqualTo("ok");
    assertThat(got.take()).isEqualTo(
        "POST /up HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
            + "5\r\nhello\r\n6\r\n world\r\n12c\r\n" + big + "\r\n0\r\n\r\n");
  }

  @Test
  void aFiftyMegabyteBodyStreamsWithOneChunkBufferAndTheProducerHeldBackByTheUpstream() throws Exception {
    long total = 50L * 1024 * 1024;
    AtomicLong produced = new AtomicLong();
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger maxReading = new AtomicInteger();
    Set<byte[]> buffers = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    InputStream gen = new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        maxReading.accumulateAndGet(reading.incrementAndGet(), Math::max);
        try {
          buffers.add(b);
          long left = total - produced.get();
          if (left == 0) {
            return -1;
          }
          int n = (int) Math.min(len, left);
          for (int i = 0; i < n; i++) {
            b[off + i] = (byte) ((produced.get() + i) % 251);
          }
          produced.addAndGet(n);
          return n;
        } finally {
          reading.decrementAndGet();
        }
      }
    };
    AtomicLong maxAhead = new AtomicLong();
    AtomicLong received = new AtomicLong();
    CompletableFuture<Boolean> exact = new CompletableFuture<>();
    try (ServerSocket server = new ServerSocket()) {
      server.setReceiveBufferSize(32 * 1024);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          ScriptedUpstream.readHead(in);
          byte[] buf = new byte[8192];
          boolean ok = true;
          long got = 0;
          while (got < total) {
            int n = in.read(buf);
            if (n < 0) {
              break;
            }
            for (int i = 0; i < n; i++) {
              ok &= buf[i] == (byte) ((got + i) % 251);
            }
            got += n;
            received.set(got);
            maxAhead.accumulateAndGet(produced.get() - got, Math::max);
          }
          exact.complete(ok && got == total);
          OutputStream out = s.getOutputStream();
          out.write(OK.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          readToEof(in);
        } catch (IOException e) {
          exact.completeExceptionally(e);
        }
      });
      t.setDaemon(true);
      t.start();
      UpstreamClientTest.Result r = post(server.getLocalPort(), gen, total).await();
      assertThat(r.body()).isEqualTo("ok");
      assertThat(exact.get(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(maxReading.get()).as("concurrent reads").isEqualTo(1);
    assertThat(buffers).as("one chunk buffer, reused").hasSize(1);
    assertThat(buffers.iterator().next().length).isLessThanOrEqualTo(16 * 1024 + 16);
    // what was read ahead of the upstream is what the socket buffers hold plus one chunk, not the body
    assertThat(maxAhead.get()).isLessThan(12L * 1024 * 1024);
  }

  @Test
  void anEarlyAnswerIsDeliveredNoMoreBodyIsSentAndTheConnectionIsNotReused() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    InputStream slow = new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (reads.incrementAndGet() > 1) {
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        b[off] = 'a';
        return 1;
      }
    };
    LinkedBlockingQueue<String> rest = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 3\r\n\r\nbig"
          .getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      rest.add(readToEof(in)); // the client closes: EOF
    });
    UpstreamClientTest.Result r = post(upstream.port(), slow, 1_000_000).await();
    assertThat(r.info.get().statusCode()).isEqualTo(413);
    assertThat(r.body()).isEqualTo("big");
    assertThat(rest.poll(10, TimeUnit.SECONDS)).isIn("", "a");
    assertThat(client.idleConnections(endpoint(upstream.port()))).isZero();
    release.countDown();
    assertThat(client.openConnections()).isZero();
  }

  @Test
  void aKnownLengthBodyThatFailsClosesTheConnectionBeforeTheDeclaredLength() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      got.add(readToEof(in));
    });
    UpstreamClientTest.Result r = post(upstream.port(), failingAfter("0123456789"), 100);
    Throwable t = r.failure();
    assertThat(t).isInstanceOf(RequestBodyException.class).hasRootCauseMessage("client aborted");
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("0123456789");
    assertThat(client.openConnections()).isZero();
  }

  @Test
  void aKnownLengthBodyThatEndsEarlyClosesTheConnectionBeforeTheDeclaredLength() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      got.add(readToEof(in));
    });
    UpstreamClientTest.Result r = post(upstream.port(), pieces("abc"), 10);
    assertThat(r.failure()).isInstanceOf(RequestBodyException.class);
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("abc");
  }

  @Test
  void aChunkedBodyThatFailsNeverGetsTheLastChunk() throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      got.add(readToEof(in));
    });
    UpstreamClientTest.Result r = post(upstream.port(), failingAfter("hello"), -1);
    assertThat(r.failure()).isInstanceOf(RequestBodyException.class);
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("5\r\nhello\r\n");
  }

  @Test
  void aConnectionIsReusedAfterAPostWhoseBodyWasSentAndAnswerReadWhole() throws Exception {
    LinkedBlockingQueue<String> bodies = new LinkedBlockingQueue<>();
    upstream = new ScriptedUpstream((s, in) -> {
      String head;
      while ((head = ScriptedUpstream.readHead(in)) != null) {
        int len = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        bodies.add(new String(readN(in, len), StandardCharsets.ISO_8859_1));
        s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
    });
    assertThat(post(upstream.port(), pieces("first"), 5).await().body()).isEqualTo("ok");
    assertThat(client.idleConnections(endpoint(upstream.port()))).isEqualTo(1);
    assertThat(post(upstream.port(), pieces("second!"), 7).await().body()).isEqualTo("ok");
    assertThat(bodies.take()).isEqualTo("first");
    assertThat(bodies.take()).isEqualTo("second!");
    assertThat(upstream.accepted.get()).isEqualTo(1);
    assertThat(client.idleConnections(endpoint(upstream.port()))).isEqualTo(1);
  }

  @Test
  void aMalformedAnswerToAPostIsAProtocolError() throws Exception {
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      readN(in, 5);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      readToEof(in);
    });
    assertThat(post(upstream.port(), pieces("hello"), 5).failure()).isInstanceOf(java.net.ProtocolException.class);
    assertThat(client.openConnections()).isZero();
  }
}
