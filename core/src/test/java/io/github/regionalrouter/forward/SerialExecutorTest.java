package io.github.regionalrouter.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SerialExecutorTest {
  /** Holds what it is given until the test runs it. */
  static final class Held implements Executor {
    final ArrayDeque<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable r) {
      queued.add(r);
    }

    synchronized Runnable next() {
      return queued.poll();
    }

    synchronized int size() {
      return queued.size();
    }
  }

  private final Held delegate = new Held();
  private final SerialExecutor serial = new SerialExecutor(delegate);
  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void runsInlineOnTheCallerWhenIdle() {
    Thread[] ranOn = new Thread[1];
    assertThat(serial.tryRunInline(() -> ranOn[0] = Thread.currentThread())).isTrue();
    assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    assertThat(delegate.size()).isZero();
    // and again: it released the executor
    assertThat(serial.tryRunInline(() -> log.add("again"))).isTrue();
    assertThat(log).containsExactly("again");
    assertThat(delegate.size()).isZero();
  }

  @Test
  void refusesWhileATaskIsQueuedOrRunning() {
    serial.execute(() -> {
      log.add("queued");
      // running now: still busy
      log.add("inline while running: " + serial.tryRunInline(() -> log.add("must not run")));
    });
    assertThat(serial.tryRunInline(() -> log.add("must not run"))).isFalse();
    assertThat(log).isEmpty();
    delegate.next().run();
    assertThat(log).containsExactly("queued", "inline while running: false");
    assertThat(serial.tryRunInline(() -> log.add("now"))).isTrue();
    assertThat(log).endsWith("now");
  }

  @Test
  void tasksSubmittedDuringAnInlineRunRunAfterItInOrder() {
    assertThat(serial.tryRunInline(() -> {
      log.add("inline-start");
      serial.execute(() -> log.add("a"));
      serial.execute(() -> log.add("b"));
      log.add("inline-end");
    })).isTrue();
    assertThat(log).containsExactly("inline-start", "inline-end");
    assertThat(delegate.size()).isEqualTo(1); // one drain for both
    assertThat(serial.tryRunInline(() -> log.add("must not jump the queue"))).isFalse();
    serial.execute(() -> log.add("c"));
    delegate.next().run();
    assertThat(log).containsExactly("inline-start", "inline-end", "a", "b", "c");
    assertThat(delegate.size()).isZero();
    assertThat(serial.tryRunInline(() -> log.add("idle again"))).isTrue();
  }

  @Test
  void aThrowingInlineTaskStillReleasesTheExecutor() {
    assertThat(serial.tryRunInline(() -> {
      serial.execute(() -> log.add("after"));
      throw new IllegalStateException("boom");
    })).isTrue();
    delegate.next().run();
    assertThat(log).containsExactly("after");
    assertThat(serial.tryRunInline(() -> log.add("inline"))).isTrue();
    assertThat(log).containsExactly("after", "inline");
  }

  @Test
  void whenTheDelegateRefusesTheQueuedTasksRunOnTheCaller() {
    SerialExecutor refusing = new SerialExecutor(r -> {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    });
    assertThat(refusing.tryRunInline(() -> {
      refusing.execute(() -> log.add("queued"));
      log.add("inline");
    })).isTrue();
    assertThat(log).containsExactly("inline", "queued");
  }

  @Test
  void aTaskThatThrowsIsLoggedAtErrorAndTheNextTaskStillRuns() {
    try (io.github.regionalrouter.LogCapture captured = new io.github.regionalrouter.LogCapture()) {
      serial.execute(() -> {
        throw new IllegalStateException("test: a sink call's bug");
      });
      serial.execute(() -> log.add("next"));
      delegate.next().run();

      assertThat(log).containsExactly("next");
      assertThat(captured.text()).contains("ERROR").contains("a forwarding task threw")
          .contains("IllegalStateException: test: a sink call's bug");
    }
  }

  @Test
  void anInlineTaskThatThrowsIsLoggedAtError() {
    try (io.github.regionalrouter.LogCapture captured = new io.github.regionalrouter.LogCapture()) {
      assertThat(serial.tryRunInline(() -> {
        throw new AssertionError("test: inline bug");
      })).isTrue();

      assertThat(captured.text()).contains("a forwarding task threw").contains("AssertionError: test: inline bug");
    }
  }
}
