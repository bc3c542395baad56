package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts (bounded on both sides), graceful close, refusal when busy, and no leaked threads. */
@Timeout(30)
class Http1TimeoutAndCloseTest {
  /** The server under test; a subclass runs every test on the event loop. */
  Http1Server.Builder builder() {
    return Http1Server.builder();
  }

  static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Http1Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close(Duration.ZERO);
    }
    timer.shutdownNow();
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void headersTrickledAtOneBytePerSecondAreCutOffAtTheHeaderTimeout() throws IOException {
    RecordingHandler handler = new RecordingHandler();
    server = builder().handler(handler).headerTimeout(Duration.ofSeconds(1)).build().start();
    try (RawClient c = new RawClient(server.address())) {
      byte[] head = "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      AtomicInteger next = new AtomicInteger();
      long start = System.nanoTime();
      ScheduledFuture<?> trickle = timer.scheduleAtFixedRate(() -> {
        try {
          c.out.write(head[next.getAndIncrement() % head.length]);
        } catch (IOException e) {
          throw new RuntimeException(e); // ends the schedule
        }
      }, 0, 1, TimeUnit.SECONDS);
      assertThat(c.closedByServer()).isTrue();
      long took = millisSince(start);
      trickle.cancel(false);
      assertThat(took).isBetween(900L, 3000L);
    }
    assertThat(handler.seen).isEmpty();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() throws IOException {
    server = builder().handler(new RecordingHandler()).headerTimeout(Duration.ofSeconds(1)).build().start();
    try (RawClient c = new RawClient(server.address())) {
      long start = System.nanoTime();
      assertThat(c.closedByServer()).isTrue();
      assertThat(millisSince(start)).isBetween(900L, 3000L);
    }
  }

  @Test
  void idleKeptAliveConnectionIsClosedAtTheKeepAliveTimeout() throws IOException {
    server = builder().handler(ex -> ex.respond(200, "x"))
        .keepAliveIdleTimeout(Duration.ofSeconds(1)).build().start();
    try (RawClient c = new RawClient(server.address())) {
      assertThat(c.send(GET).read().status).isEqualTo(200);
      long start = System.nanoTime();
      assertThat(c.closedByServer()).isTrue();
      assertThat(millisSince(start)).isBetween(900L, 3000L);
    }
  }

  @Test
  void stalledBodyFailsTheBodyStreamAtTheIdleTimeoutAndClosesTheConnection() throws Exception {
    CompletableFuture<IOException> failure = new CompletableFuture<>();
    AtomicInteger bytes = new AtomicInteger();
    long[] start = new long[1];
    long[] took = new long[1];
    server = builder().bodyIdleTimeout(Duration.ofSeconds(1)).handler(ex -> {
      try (InputStream in = ex.requestBody()) {
        byte[] buf = new byte[100];
        for (int n; (n = in.read(buf)) >= 0; ) {
          bytes.addAndGet(n);
          start[0] = System.nanoTime();
        }
        failure.complete(null);
      } catch (IOException e) {
        took[0] = millisSince(start[0]);
        failure.complete(e);
      }
    }).build().start();
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789");
      IOException e = failure.get(10, TimeUnit.SECONDS);
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains("no request body byte");
      assertThat(bytes.get()).isEqualTo(10);
      assertThat(took[0]).isBetween(900L, 3000L);
      assertThat(c.closedByServer()).isTrue();
    }
    await(() -> server.connectionCount() == 0, "connection released");
  }

  @Test
  void aClientThatStopsReadingFailsTheWriteAtTheWriteTimeout() throws Exception {
    CompletableFuture<IOException> failure = new CompletableFuture<>();
    long[] lastWrite = new long[1];
    server = builder().writeTimeout(Duration.ofSeconds(1)).handler(ex -> {
      byte[] block = new byte[64 * 1024];
      try {
        ex.sendHead(200, java.util.Map.of(), -1);
        while (true) {
          lastWrite[0] = System.nanoTime();
          ex.write(block, 0, block.length);
        }
      } catch (IOException e) {
        failure.complete(e);
      }
    }).build().start();
    try (RawClient c = new RawClient(server.address())) {
      c.socket.setReceiveBufferSize(4096);
      c.send(GET); // and never read
      IOException e = failure.get(10, TimeUnit.SECONDS);
      long blocked = millisSince(lastWrite[0]);
      assertThat(e).hasMessageContaining("write timeout");
      assertThat(blocked).isBetween(900L, 3000L);
    }
    await(() -> server.connectionCount() == 0, "connection released");
  }

  @Test
  void closeLetsAnInFlightExchangeFinishAndRefusesNewConnections() throws Exception {
    CompletableFuture<Http1Exchange> held = new CompletableFuture<>();
    server = builder().handler(held::complete).build().start();
    try (RawClient c = new RawClient(server.address())) {
      c.send(GET);
      Http1Exchange ex = held.get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(20)));
      await(server::draining, "draining");
      assertThat(ex.draining()).isTrue();
      await(() -> {
        try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
          return false;
        } catch (ConnectException e) {
          return true;
        } catch (IOException e) {
          return false;
        }
      }, "connections refused");
      assertThat(closing).isNotDone();
      ex.respond(200, "finished");
      RawClient.Response r = c.read();
      assertThat(r.text()).isEqualTo("finished\n");
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
      closing.get(10, TimeUnit.SECONDS);
      assertThat(millisSince(start)).isLessThan(10_000L);
    }
  }

  @Test
  void closeClosesIdleConnectionsAtOnce() throws Exception {
    server = builder().handler(ex -> ex.respond(200, "x")).build().start();
    try (RawClient used = new RawClient(server.address()); RawClient silent = new RawClient(server.address())) {
      assertThat(used.send(GET).read().status).isEqualTo(200);
      await(() -> server.connectionCount() == 2, "two connections");
      long start = System.nanoTime();
      server.close(Duration.ofSeconds(20));
      assertThat(millisSince(start)).isLessThan(5_000L);
      assertThat(used.closedByServer()).isTrue();
      assertThat(silent.closedByServer()).isTrue();
    }
  }

  @Test
  void drainTimeoutForceClosesExchangesThatNeverEnd() throws Exception {
    CompletableFuture<Http1Exchange> held = new CompletableFuture<>();
    server = builder().handler(held::complete).build().start();
    try (RawClient c = new RawClient(server.address())) {
      c.send(GET);
      held.get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      server.close(Duration.ofMillis(500));
      assertThat(millisSince(start)).isBetween(400L, 5_000L);
      assertThat(c.closedByServer()).isTrue();
      assertThat(server.connectionCount()).isZero();
    }
  }

  /** What the second client of {@link #aConnectionNoThreadCanTakeIsAnswered503} does: nothing. */
  void whileTheOnlyThreadIsBusy(RawClient second) throws IOException {}

  @Test
  void aConnectionNoThreadCanTakeIsAnswered503() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inHandler = new CountDownLatch(1);
    // the same bound as the default pool on JDK 17-20 (maxThreads), at 1; on 21+ the default has none
    ThreadPoolExecutor oneThread = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
    server = builder().executor(oneThread).handler(ex -> {
      inHandler.countDown();
      release.await(); // holds the only thread (test only)
      ex.respond(200, "x");
    }).build().start();
    try (RawClient first = new RawClient(server.address()); RawClient second = new RawClient(server.address())) {
      first.send(GET);
      assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
      // the second connection was accepted while the only thread was busy
      whileTheOnlyThreadIsBusy(second);
      RawClient.Response r = second.read();
      assertThat(r.status).isEqualTo(503);
      assertThat(second.closedByServer()).isTrue();
      release.countDown();
      assertThat(first.read().status).isEqualTo(200);
    } finally {
      release.countDown();
      server.close(Duration.ZERO);
      oneThread.shutdownNow();
    }
  }

  @Test
  void noThreadIsLeftAfterClose() throws Exception {
    int before = http1Threads();
    server = builder().handler(ex -> ex.respond(200, "x")).build().start();
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawClient c = new RawClient(server.address());
        clients.add(c);
        assertThat(c.send(GET).read().status).isEqualTo(200);
      }
      assertThat(http1Threads()).isGreaterThan(before);
      server.close(Duration.ofSeconds(5));
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
    await(() -> http1Threads() <= before, "threads to end (before: " + before + ", now " + http1Threads() + ")");
  }

  private static int http1Threads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("http1-") && t.isAlive()) {
        n++;
      }
    }
    return n;
  }
}
