package io.github.regionalrouter.jdkserver;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The server's default executors. */
final class ServerThreads {
  /** Threads that run the tasks queued while all of a bounded pool's threads are busy. */
  private static final int OVERFLOW_THREADS = 4;

  private ServerThreads() {}

  /** Virtual threads when the JVM has them (21+), else {@code null}. */
  static ExecutorService virtualOrNull() {
    try {
      Method m = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A pool of at most {@code max} daemon threads (plus {@value #OVERFLOW_THREADS} for overflow)
   * that grows only when no thread is idle, hands each task to the thread that went idle last
   * (its caches are warm, and it may not have parked yet), and lets idle threads end after 60 s.
   * When all {@code max} threads are busy, tasks queue for the overflow threads instead of being
   * refused: the forwarder must never see its sink calls refused.
   */
  static ExecutorService bounded(int max, String prefix) {
    return new ElasticPool(max, prefix);
  }

  /** See {@link #bounded}. */
  private static final class ElasticPool extends AbstractExecutorService {
    private final ThreadPoolExecutor main;
    private final ThreadPoolExecutor overflow;

    ElasticPool(int max, String prefix) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory threads = r -> {
        Thread t = new Thread(r, prefix + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      overflow = new ThreadPoolExecutor(OVERFLOW_THREADS, OVERFLOW_THREADS, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), threads);
      overflow.allowCoreThreadTimeOut(true);
      // a SynchronousQueue (non-fair: a stack) gives a task to the most recently idle thread, or
      // makes the pool start one; past max the task goes to the overflow queue (refused only once
      // both are shut down)
      main = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads,
          (task, pool) -> overflow.execute(task));
    }

    @Override
    public void execute(Runnable task) {
      main.execute(task);
    }

    @Override
    public void shutdown() {
      main.shutdown();
      overflow.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      List<Runnable> left = new ArrayList<>(main.shutdownNow());
      left.addAll(overflow.shutdownNow());
      return left;
    }

    @Override
    public boolean isShutdown() {
      return main.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return main.isTerminated() && overflow.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      return main.awaitTermination(timeout, unit)
          && overflow.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
  }
}
