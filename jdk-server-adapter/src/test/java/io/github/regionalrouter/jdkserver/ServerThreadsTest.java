package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDK 17 default pool: bounded, never refusing while open, ending its threads on shutdown. */
@Timeout(30)
class ServerThreadsTest {
  @Test
  void tasksBeyondTheBoundQueueForTheOverflowThreadsInsteadOfBeingRefused() throws Exception {
    ExecutorService pool = ServerThreads.bounded(2, "test-pool-");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(2);
    try {
      for (int i = 0; i < 2; i++) {
        pool.execute(() -> {
          blocked.countDown();
          await(release);
        });
      }
      assertThat(blocked.await(10, TimeUnit.SECONDS)).as("both bounded threads busy").isTrue();
      CountDownLatch ran = new CountDownLatch(10);
      for (int i = 0; i < 10; i++) {
        pool.execute(ran::countDown); // all max threads are busy: these overflow
      }
      assertThat(ran.await(10, TimeUnit.SECONDS)).as("overflowed tasks ran while the bounded threads were busy").isTrue();
    } finally {
      release.countDown();
      pool.shutdown();
    }
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.isTerminated()).isTrue();
    assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void threadsAreDaemonsNamedWithThePrefix() throws Exception {
    ExecutorService pool = ServerThreads.bounded(4, "test-pool-");
    try {
      Thread[] seen = new Thread[1];
      CountDownLatch done = new CountDownLatch(1);
      pool.execute(() -> {
        seen[0] = Thread.currentThread();
        done.countDown();
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen[0].getName()).startsWith("test-pool-");
      assertThat(seen[0].isDaemon()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
