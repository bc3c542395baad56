package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every timeout and close of {@link Http1TimeoutAndCloseTest} with connections on an event loop
 * (the handlers here block, so they run on the executor): header, keep-alive, body and write
 * timeouts, drain, and no thread left after close.
 */
class Http1TimeoutAndCloseLoopTest extends Http1TimeoutAndCloseTest {
  @Override
  Http1Server.Builder builder() {
    return Http1Server.builder().eventLoop(true);
  }

  /**
   * On the loop a connection needs no thread until a request comes, so the busy answer is given
   * to a request no thread can take (the blocking mode gives it to the connection at accept).
   */
  @Override
  @Test
  void aConnectionNoThreadCanTakeIsAnswered503() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inHandler = new CountDownLatch(1);
    ThreadPoolExecutor oneThread = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
    server = builder().executor(oneThread).handler(ex -> {
      inHandler.countDown();
      release.await(); // holds the only thread (test only)
      ex.respond(200, "x");
    }).build().start();
    try (RawClient first = new RawClient(server.address()); RawClient second = new RawClient(server.address())) {
      first.send(GET);
      assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
      second.send(GET);
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
}
