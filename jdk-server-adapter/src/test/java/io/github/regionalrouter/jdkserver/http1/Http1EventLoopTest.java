package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only the event-loop mode does: a handler called on the loop thread, writes the client's
 * socket cannot take at once kept without blocking the loop, a request with a body moving its
 * connection to blocking mode mid-connection, and idle connections holding no thread.
 */
@Timeout(60)
class Http1EventLoopTest {
  private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  private Http1Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close(Duration.ZERO);
    }
  }

  private Http1Server start(Http1Handler handler) throws IOException {
    server = Http1Server.builder().eventLoop(true).eventLoops(1).nonBlockingHandler(true).handler(handler).build().start();
    return server;
  }

  @Test
  void aNonBlockingHandlerIsCalledOnTheLoopThreadForEveryRequestAndItsBodyIsReadByTheLoop() throws Exception {
    // a connection stays on its loop, bodies included: the handler hands a body to a reader thread,
    // whose blocking reads the loop serves
    List<String> onLoop = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      start(ex -> {
        onLoop.add(ex.method() + " " + SelectorLoop.inLoopThread());
        if (!ex.hasBody()) {
          ex.respond(200, ex.method() + " 0");
          return;
        }
        readers.execute(() -> {
          try {
            byte[] body = ex.requestBody().readAllBytes();
            ex.respond(200, ex.method() + " " + new String(body, java.nio.charset.StandardCharsets.US_ASCII));
          } catch (IOException e) {
            ex.abort();
          }
        });
      });
      try (RawClient c = new RawClient(server.address())) {
        c.send(GET);
        assertThat(c.read().text()).isEqualTo("GET 0\n");
        c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(c.read().text()).isEqualTo("POST hello\n");
        c.send(GET);
        assertThat(c.read().text()).isEqualTo("GET 0\n");
        // a chunked POST and a GET pipelined: the GET waits for the POST
        c.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + GET);
        assertThat(c.read().text()).isEqualTo("POST abc\n");
        assertThat(c.read().text()).isEqualTo("GET 0\n");
        // a body dripped byte by byte: each read waits on the loop, not on a socket
        c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nx");
        c.send("y");
        c.send("z");
        assertThat(c.read().text()).isEqualTo("POST xyz\n");
      }
      assertThat(onLoop).containsExactly("GET true", "POST true", "GET true", "POST true", "GET true", "POST true");
    } finally {
      readers.shutdownNow();
    }
  }

  @Test
  void anUnreadBodyIsDroppedOnTheLoopBeforeTheNextRequest() throws Exception {
    start(ex -> ex.respond(200, ex.method() + " " + ex.target())); // answers without reading the body
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
      assertThat(c.read().text()).isEqualTo("POST /a\n");
      c.send("llo" + GET);
      assertThat(c.read().text()).isEqualTo("GET /\n");
    }
  }

  @Test
  void aBlockingBodyReadOnTheLoopThreadIsRefused() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    start(ex -> {
      try {
        ex.requestBody().read(new byte[8]);
      } catch (RuntimeException e) {
        thrown.set(e);
      }
      ex.respond(200, "done");
    });
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" + GET);
      assertThat(c.read().text()).isEqualTo("done\n");
      assertThat(c.read().text()).isEqualTo("done\n");
    }
    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
  }

  @Test
  void aLargeAnswerToAClientThatDoesNotReadDoesNotHoldUpTheLoop() throws Exception {
    byte[] big = new byte[8 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) ('a' + i % 26);
    }
    AtomicReference<Boolean> flushedAfterWrite = new AtomicReference<>();
    start(ex -> {
      if (ex.target().equals("/big")) {
        ex.sendHead(200, List.of(), big.length);
        ex.write(ByteBuffer.wrap(big)); // on the loop: what the socket cannot take is kept
        flushedAfterWrite.set(ex.nonBlockingNow());
        ex.complete();
      } else {
        ex.respond(200, "small");
      }
    });
    try (RawClient slow = new RawClient(server.address()); RawClient other = new RawClient(server.address())) {
      slow.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
      // the slow client reads nothing yet; the loop must still serve the other one
      for (int i = 0; i < 20; i++) {
        other.send(GET);
        assertThat(other.read().text()).isEqualTo("small\n");
      }
      assertThat(flushedAfterWrite.get()).as("8 MiB cannot all fit the socket at once").isFalse();
      RawClient.Response r = slow.read();
      assertThat(r.status).isEqualTo(200);
      assertThat(r.body).isEqualTo(big);
      // and the connection is kept: the next answer comes after the whole body
      slow.send(GET);
      assertThat(slow.read().text()).isEqualTo("small\n");
    }
  }

  @Test
  void aClientThatNeverReadsALargeAnswerIsCutOffAtTheWriteTimeout() throws Exception {
    server = Http1Server.builder().eventLoop(true).eventLoops(1).nonBlockingHandler(true).writeTimeout(Duration.ofSeconds(1))
        .handler(ex -> {
          byte[] big = new byte[16 << 20];
          ex.sendHead(200, List.of(), big.length);
          ex.write(ByteBuffer.wrap(big));
          ex.complete();
        }).build().start();
    RawClient slow = new RawClient(server.address());
    slow.socket.setReceiveBufferSize(4096);
    slow.send(GET);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    assertThat(server.connectionCount()).as("connection closed at the write timeout").isZero();
    slow.close();
  }

  @Test
  void aHeadSentOneByteAtATimeIsParsedWhenComplete() throws Exception {
    start(ex -> ex.respond(200, ex.header("X-A")));
    try (RawClient c = new RawClient(server.address())) {
      for (byte b : "GET / HTTP/1.1\r\nHost: a\r\nX-A: trickled\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) {
        c.send(new byte[] {b});
      }
      assertThat(c.read().text()).isEqualTo("trickled\n");
    }
  }

  @Test
  void anAnswerCompletedLaterFromAnotherThreadKeepsTheConnection() throws Exception {
    List<CompletableFuture<Http1Exchange>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(new CompletableFuture<>());
    }
    int[] n = {0};
    start(ex -> held.get(n[0]++).complete(ex)); // the loop thread only: no race on n
    try (RawClient c = new RawClient(server.address())) {
      for (int i = 0; i < 3; i++) {
        c.send(GET);
        Http1Exchange ex = held.get(i).get(10, TimeUnit.SECONDS);
        assertThat(ex.nonBlockingNow()).isTrue();
        CompletableFuture.runAsync(() -> {
          try {
            ex.respond(200, "later");
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        assertThat(c.read().text()).isEqualTo("later\n");
      }
    }
  }

  @Test
  void idleKeptAliveConnectionsHoldNoThread() throws Exception {
    start(ex -> ex.respond(200, "x"));
    List<RawClient> clients = new ArrayList<>();
    try {
      int before = Thread.activeCount();
      for (int i = 0; i < 100; i++) {
        RawClient c = new RawClient(server.address());
        clients.add(c);
        c.send(GET);
        assertThat(c.read().status).isEqualTo(200);
      }
      assertThat(server.connectionCount()).isEqualTo(100);
      assertThat(Thread.activeCount() - before).as("threads added by 100 idle connections").isLessThan(10);
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
  }
}
