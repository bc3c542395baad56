package io.github.regionalrouter.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.cluster.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class UpstreamClientTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  private UpstreamClient client;
  private ScriptedUpstream upstream;

  @BeforeEach
  void start() {
    client = new UpstreamClient(Executors.newCachedThreadPool(), 256, Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    if (upstream != null) {
      upstream.close();
    }
  }

  /** What one exchange produced. */
  static final class Result {
    final AtomicReference<HttpResponse.ResponseInfo> info = new AtomicReference<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch ended = new CountDownLatch(1);
    CompletableFuture<Void> future;

    HttpResponse.BodyHandler<Void> handler() {
      return i -> {
        info.set(i);
        return new HttpResponse.BodySubscriber<>() {
          final CompletableFuture<Void> done = new CompletableFuture<>();

          @Override
          public CompletableFuture<Void> getBody() {
            return done;
          }

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
              byte[] a = new byte[b.remaining()];
              b.get(a);
              synchronized (body) {
                body.write(a, 0, a.length);
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            error.set(t);
            ended.countDown();
          }

          @Override
          public void onComplete() {
            ended.countDown();
          }
        };
      };
    }

    String body() {
      synchronized (body) {
        return body.toString(StandardCharsets.ISO_8859_1);
      }
    }

    Result await() throws Exception {
      future.get(10, TimeUnit.SECONDS);
      return this;
    }

    Throwable failure() throws InterruptedException {
      try {
        future.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        return e.getCause();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the future did not complete", e);
      }
      throw new AssertionError("expected a failure");
    }
  }

  private Endpoint endpoint() {
    return Endpoint.parse("http://127.0.0.1:" + upstream.port());
  }

  private Result send(String method, Duration responseTimeout) {
    Result r = new Result();
    r.future = client.send(endpoint(), method, "/p?q=1", List.<String[]>of(new String[] {"X-A", "b"}),
        "example.com", LONG, responseTimeout, r.handler());
    return r;
  }

  private Result get() {
    return send("GET", LONG);
  }

  @Test
  void readsAContentLengthBodyAndSendsAPlainHead() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Up: 1\r\n\r\nhello");
    Result r = get().await();
    assertThat(r.info.get().statusCode()).isEqualTo(200);
    assertThat(r.info.get().headers().firstValue("x-up")).hasValue("1");
    assertThat(r.info.get().version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(upstream.heads.take()).isEqualTo("GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nX-A: b\r\n\r\n");
  }

  @Test
  void deChunksABodyWithExtensionsAndTrailersEvenWhenItArrivesByteByByte() throws Exception {
    String body = "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    upstream = new ScriptedUpstream((s, in) -> {
      while (ScriptedUpstream.readHead(in) != null) {
        OutputStream out = s.getOutputStream();
        for (byte b : ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1)) {
          out.write(b);
          out.flush();
        }
      }
    });
    assertThat(get().await().body()).isEqualTo("hello world");
    assertThat(get().await().body()).isEqualTo("hello world");
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void readsAClosedDelimitedBodyToTheEndAndDoesNotPoolTheConnection() throws Exception {
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\n\r\nuntil the end".getBytes(StandardCharsets.ISO_8859_1));
      s.shutdownOutput();
      in.read();
    });
    assertThat(get().await().body()).isEqualTo("until the end");
    assertThat(client.idleConnections(endpoint())).isZero();
    assertThat(get().await().body()).isEqualTo("until the end");
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void headAnd204And304HaveNoBodyAndKeepTheConnection() throws Exception {
    AtomicInteger n = new AtomicInteger();
    upstream = new ScriptedUpstream((s, in) -> {
      while (ScriptedUpstream.readHead(in) != null) {
        String[] answers = {
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
            "HTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"};
        s.getOutputStream().write(answers[n.getAndIncrement()].getBytes(StandardCharsets.ISO_8859_1));
      }
    });
    Result head = send("HEAD", LONG).await();
    assertThat(head.info.get().headers().firstValue("content-length")).hasValue("100");
    assertThat(head.body()).isEmpty();
    assertThat(get().await().info.get().statusCode()).isEqualTo(204);
    assertThat(get().await().info.get().statusCode()).isEqualTo(304);
    assertThat(get().await().body()).isEqualTo("ok");
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void skipsInterimResponses() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    Result r = get().await();
    assertThat(r.info.get().statusCode()).isEqualTo(200);
    assertThat(r.info.get().headers().map()).doesNotContainKey("Link");
    assertThat(r.body()).isEqualTo("ok");
  }

  @Test
  void oneConnectionServesManyRequestsInTurn() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    for (int i = 0; i < 50; i++) {
      assertThat(get().await().body()).isEqualTo("ok");
    }
    assertThat(upstream.accepted.get()).isEqualTo(1);
    assertThat(client.idleConnections(endpoint())).isEqualTo(1);
    assertThat(client.openConnections()).isEqualTo(1);
  }

  @Test
  void connectionCloseFromTheUpstreamIsNotPooled() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    get().await();
    assertThat(client.idleConnections(endpoint())).isZero();
  }

  /**
   * Serves one request per connection; closes the connection without answering when the next
   * request arrives (the race of an upstream's keep-alive timeout with a reuse).
   */
  private static ScriptedUpstream closesOnTheSecondRequest() throws IOException {
    return new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
      ScriptedUpstream.readHead(in);
    });
  }

  @Test
  void aPooledConnectionClosedAsTheRequestArrivesIsRetriedOnceForGet() throws Exception {
    upstream = closesOnTheSecondRequest();
    get().await();
    assertThat(client.idleConnections(endpoint())).isEqualTo(1);
    assertThat(get().await().body()).isEqualTo("ok");
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void aPooledConnectionClosedAsTheRequestArrivesIsNotRetriedForPost() throws Exception {
    upstream = closesOnTheSecondRequest();
    get().await();
    Throwable t = send("POST", LONG).failure();
    assertThat(t).isExactlyInstanceOf(UpstreamClosedException.class).hasMessageContaining("reused connection");
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void aPooledConnectionTheUpstreamClosedIsNotUsedAgain() throws Exception {
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
    });
    get().await();
    assertThat(upstream.closed.poll(5, TimeUnit.SECONDS)).isNotNull(); // the upstream closed it
    assertThat(send("POST", LONG).await().body()).isEqualTo("ok");
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void anUnaskedAnswerOnAPooledConnectionIsNotTakenForTheNextResponse() throws Exception {
    CountDownLatch lateSent = new CountDownLatch(1);
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      lateSent.countDown();
      ScriptedUpstream.readHead(in);
    });
    Result first = get();
    first.await();
    assertThat(lateSent.await(5, TimeUnit.SECONDS)).isTrue();
    // the late answer may arrive with the first response (then the connection is not pooled) or
    // after it (then the reuse check finds it): either way the next request gets a new connection
    Result second = get().await();
    assertThat(second.info.get().statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("ok");
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }

  @Test
  void aRefusedConnectionFailsWithConnectException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Result r = new Result();
    r.future = client.send(Endpoint.parse("http://127.0.0.1:" + port), "GET", "/", List.of(), "h", LONG, LONG,
        r.handler());
    assertThat(r.failure()).isInstanceOf(ConnectException.class);
    assertThat(r.info.get()).isNull();
    assertThat(client.openConnections()).isZero();
  }

  @Test
  void aConnectThatHangsTimesOutWithHttpConnectTimeoutException() throws Exception {
    // A listener that never accepts, with its backlog filled: further SYNs are dropped.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        Throwable t = null;
        long elapsed = 0;
        for (int i = 0; i < 8 && t == null; i++) {
          Socket f = new Socket();
          try {
            f.connect(new InetSocketAddress(s.getInetAddress(), s.getLocalPort()), 200);
            fillers.add(f);
          } catch (IOException e) {
            f.close();
            Result r = new Result();
            long t0 = System.nanoTime();
            r.future = client.send(Endpoint.parse("http://127.0.0.1:" + s.getLocalPort()), "GET", "/", List.of(),
                "h", Duration.ofMillis(300), LONG, r.handler());
            t = r.failure();
            elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(t != null, "the loopback backlog could not be filled");
        assertThat(t).isInstanceOf(HttpConnectTimeoutException.class);
        assertThat(elapsed).isBetween(290L, 2000L);
        assertThat(client.openConnections()).isZero();
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  @Test
  void anUpstreamThatNeverAnswersTimesOutWithHttpTimeoutException() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      never.await();
    });
    long t0 = System.nanoTime();
    Throwable t = send("GET", Duration.ofMillis(300)).failure();
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(t).isExactlyInstanceOf(HttpTimeoutException.class);
    assertThat(elapsed).isBetween(290L, 2000L);
    assertThat(client.openConnections()).isZero();
    never.countDown();
  }

  @Test
  void aConnectionClosedBeforeTheHeadFailsWithUpstreamClosedException() throws Exception {
    upstream = new ScriptedUpstream((s, in) -> ScriptedUpstream.readHead(in));
    Throwable t = get().failure();
    assertThat(t).isExactlyInstanceOf(UpstreamClosedException.class).hasMessageContaining("before answering");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok",
      "HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nok",
      "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n",
      "HTTP/2 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 099 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 101 Switching Protocols\r\n\r\n",
      "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: x\r\n\r\n",
  })
  void anInvalidResponseFailsWithProtocolException(String response) throws Exception {
    upstream = ScriptedUpstream.answering(response);
    Result r = get();
    Throwable t = r.failure();
    assertThat(t).isInstanceOf(ProtocolException.class);
    assertThat(client.idleConnections(endpoint())).isZero();
    assertThat(client.openConnections()).isZero();
  }

  @Test
  void aHeadLargerThan64KiBIsAProtocolError() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n");
    assertThat(get().failure()).isInstanceOf(ProtocolException.class).hasMessageContaining("larger than");
  }

  @Test
  void aHeadOf40KiBIsRead() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(40_000)
        + "\r\nContent-Length: 2\r\n\r\nok");
    assertThat(get().await().body()).isEqualTo("ok");
  }

  @Test
  void aResetMidBodyReachesTheSubscriberAsAnError() throws Exception {
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial".getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.setSoLinger(true, 0);
      s.close();
    });
    Result r = get();
    Throwable t = r.failure();
    assertThat(t).isInstanceOf(IOException.class);
    assertThat(r.ended.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(r.error.get()).isNotNull();
    assertThat(r.info.get().statusCode()).isEqualTo(200);
    assertThat(client.openConnections()).isZero();
  }

  @Test
  void aBodyCutShortByEofIsAnError() throws Exception {
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".getBytes(StandardCharsets.ISO_8859_1));
    });
    Result r = get();
    assertThat(r.failure()).isInstanceOf(IOException.class);
    assertThat(r.error.get()).isNotNull();
  }

  @Test
  void readsNoMoreThanASubscriberAsksFor() throws Exception {
    long total = 64L * 1024 * 1024;
    AtomicLong written = new AtomicLong();
    CountDownLatch wroteAll = new CountDownLatch(1);
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 * 1024];
      for (long left = total; left > 0; left -= chunk.length) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
      wroteAll.countDown();
    });
    AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    CountDownLatch firstChunk = new CountDownLatch(1);
    CountDownLatch complete = new CountDownLatch(1);
    CompletableFuture<Void> f = client.send(endpoint(), "GET", "/", List.of(), "h", LONG, LONG,
        info -> new HttpResponse.BodySubscriber<>() {
          @Override
          public CompletableFuture<Void> getBody() {
            return new CompletableFuture<>();
          }

          @Override
          public void onSubscribe(Flow.Subscription s) {
            sub.set(s);
            s.request(1);
          }

          @Override
          public void onNext(List<ByteBuffer> items) {
            calls.incrementAndGet();
            items.forEach(b -> received.addAndGet(b.remaining()));
            firstChunk.countDown();
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {
            complete.countDown();
          }
        });
    assertThat(firstChunk.await(5, TimeUnit.SECONDS)).isTrue();
    // nothing more arrives while there is no demand, and the upstream is held back
    assertThat(wroteAll.await(500, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(calls.get()).isEqualTo(1);
    assertThat(received.get()).isLessThanOrEqualTo(Http1.MAX_HEAD);
    assertThat(written.get()).isLessThan(total);
    sub.get().request(Long.MAX_VALUE);
    assertThat(complete.await(10, TimeUnit.SECONDS)).isTrue();
    f.get(5, TimeUnit.SECONDS);
    assertThat(received.get()).isEqualTo(total);
  }

  @Test
  void manyConcurrentRequestsAllComplete() throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    List<Result> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(get());
    }
    for (Result r : all) {
      assertThat(r.await().body()).isEqualTo("ok");
    }
    assertThat(upstream.accepted.get()).isLessThanOrEqualTo(200);
    assertThat(client.openConnections()).isEqualTo(client.idleConnections(endpoint())).isEqualTo(upstream.accepted.get());
  }

  @Test
  void requestHeadsWithControlCharactersAreRefused() {
    upstream = null;
    Result r = new Result();
    r.future = client.send(Endpoint.parse("http://127.0.0.1:1"), "GET", "/", List.<String[]>of(new String[] {"X", "a\r\nb"}),
        "h", LONG, LONG, r.handler());
    assertThatThrownBy(() -> r.future.join()).hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closingFailsWhatIsInFlightAndEndsTheThread() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    upstream = new ScriptedUpstream((s, in) -> {
      ScriptedUpstream.readHead(in);
      never.await();
    });
    Result r = get();
    while (upstream.accepted.get() == 0) {
      Thread.onSpinWait();
    }
    long before = upstreamThreads();
    client.close();
    assertThat(r.failure()).isInstanceOf(IOException.class);
    assertThat(upstreamThreads()).isEqualTo(before - 1);
    never.countDown();
  }

  private static long upstreamThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("regional-router-loop-")).count();
  }
}
