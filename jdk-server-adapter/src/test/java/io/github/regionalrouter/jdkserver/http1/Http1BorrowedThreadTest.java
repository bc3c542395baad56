package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.internal.TaskTail;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An exchange completed from a {@link TaskTail} task (how the forwarder runs its sink calls) has
 * its connection's next request read on that task's thread, within the server's limit of borrowed
 * threads; beyond the limit, or without one, the server's own executor reads it.
 */
@Timeout(30)
class Http1BorrowedThreadTest {
  private static final String GET = "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n";

  private final AtomicInteger lenderThreads = new AtomicInteger();
  private final ExecutorService lender = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lender-" + lenderThreads.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final List<String> handledOn = new CopyOnWriteArrayList<>();
  private Http1Server server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close(Duration.ZERO);
    }
    lender.shutdownNow();
    lender.awaitTermination(5, TimeUnit.SECONDS);
  }

  /**
   * A thread of the server's own executor: {@code http1-<n>} on JDK 17-20, an unnamed virtual
   * thread on 21+; either way not one of the lender's.
   */
  private static void serverThread(String name) {
    assertThat(name).doesNotStartWith("lender-");
    if (Runtime.version().feature() < 21) {
      assertThat(name).startsWith("http1-");
    }
  }

  /** A server whose handler answers later, from a TaskTail task on the lender. */
  private Http1Server start(int maxBorrowed) throws IOException {
    server = Http1Server.builder()
        .maxBorrowedThreads(maxBorrowed)
        .handler(ex -> {
          handledOn.add(Thread.currentThread().getName());
          lender.execute(() -> TaskTail.run(() -> {
            try {
              ex.respond(200, "ok");
            } catch (IOException e) {
              ex.abort();
            }
          }));
        })
        .build().start();
    return server;
  }

  @Test
  void theThreadThatAnsweredReadsTheNextRequest() throws IOException {
    start(1);
    try (RawClient c = new RawClient(server.address())) {
      for (int i = 0; i < 5; i++) {
        assertThat(c.send(GET).read().status).isEqualTo(200);
      }
    }
    assertThat(handledOn).hasSize(5);
    assertThat(handledOn.get(0)).satisfies(Http1BorrowedThreadTest::serverThread);
    assertThat(handledOn.subList(1, 5)).allSatisfy(name -> assertThat(name).startsWith("lender-"));
  }

  @Test
  void withoutPermitsTheServersOwnThreadsReadEveryRequest() throws IOException {
    start(0);
    try (RawClient c = new RawClient(server.address())) {
      for (int i = 0; i < 3; i++) {
        assertThat(c.send(GET).read().status).isEqualTo(200);
      }
    }
    assertThat(handledOn).hasSize(3).allSatisfy(Http1BorrowedThreadTest::serverThread);
  }

  @Test
  void aSecondConnectionBeyondTheLimitIsReadByTheServer() throws IOException {
    start(1);
    try (RawClient first = new RawClient(server.address()); RawClient second = new RawClient(server.address())) {
      assertThat(first.send(GET).read().status).isEqualTo(200);
      // the first connection now waits for its next request on the one borrowed thread
      assertThat(second.send(GET).read().status).isEqualTo(200);
      assertThat(second.send(GET).read().status).isEqualTo(200);
      assertThat(first.send(GET).read().status).isEqualTo(200);
    }
    assertThat(handledOn).hasSize(4);
    assertThat(handledOn.get(2)).as("second connection, second request").satisfies(Http1BorrowedThreadTest::serverThread);
    assertThat(handledOn.get(3)).as("first connection, second request").startsWith("lender-");
  }

  @Test
  void aBorrowedThreadIsGivenBackWhenItsConnectionCloses() throws Exception {
    start(1);
    try (RawClient c = new RawClient(server.address())) {
      assertThat(c.send(GET).read().status).isEqualTo(200);
    }
    // the permit comes back once the borrowed thread sees the close; then another connection gets it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      handledOn.clear();
      try (RawClient c = new RawClient(server.address())) {
        assertThat(c.send(GET).read().status).isEqualTo(200);
        assertThat(c.send(GET).read().status).isEqualTo(200);
      }
      if (handledOn.get(1).startsWith("lender-")) {
        break;
      }
      assertThat(System.nanoTime()).as("permit returned within 10 s").isLessThan(deadline);
    }
  }
}
