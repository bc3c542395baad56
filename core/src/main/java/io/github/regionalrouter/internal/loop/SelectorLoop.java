package io.github.regionalrouter.internal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector and the thread that runs it: the event loop the fast lane's upstream connections
 * and, when they share it, the standalone server's client connections run on. Everything that
 * happens on it must not block: a loop thread is a {@link LoopThread}, which code that might block
 * checks ({@link #inLoopThread()}) to hand its work to an executor instead.
 *
 * <p>Each registered channel has a {@link Handler}, called on the loop thread when its key is
 * ready. Tasks given to {@link #execute} run on the loop thread, in order, after the current
 * selection; the selector is woken only when a task comes from another thread.
 *
 * <p>A handler or task that throws is logged and the loop goes on (its owner ends its own
 * connection). An {@link Error} or a failure of the selector itself ends the loop and closes every
 * channel on it: that is logged at ERROR, and {@link #failure()} says why, so the loop's users
 * can stop taking work (the standalone proxy stops accepting and answers {@code /ready} 503).
 */
public final class SelectorLoop implements Executor, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SelectorLoop.class);

  /** Called on the loop thread when a registered channel is ready. */
  public interface Handler {
    void onReady(SelectionKey key);
  }

  /** Periodic work of the loop's owner (not {@code resolve.Ticker}, a source of time). */
  public interface Housekeeper {
    /**
     * Called on the loop thread after every selection.
     *
     * @return the longest the next selection may wait, in milliseconds, {@code > 0}
     */
    long tick(long nowNanos);

    /** Called on the loop thread once the loop stopped, after the last tasks ran. */
    default void stopped() {}
  }

  /** The thread of a loop: it must never block. */
  public static final class LoopThread extends Thread {
    final SelectorLoop loop;

    LoopThread(SelectorLoop loop, Runnable r, String name) {
      super(r, name);
      this.loop = loop;
      setDaemon(true);
    }
  }

  private final Selector selector;
  private final LoopThread thread;
  private final Housekeeper ticker;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeup = new AtomicBoolean();
  /** Run after the next selection, which deregisters cancelled keys. Loop thread only. */
  private List<Runnable> afterSelect = new ArrayList<>();
  private volatile boolean closed;
  /** Wakeups {@link #execute} asked of the selector (a test hook; racy increments are fine). */
  volatile int wakeups;
  private volatile boolean terminated;
  /** What ended the loop other than {@link #close()}; null while it runs or when closed. */
  private volatile Throwable failure;

  /**
   * Opens a selector and starts the loop's thread.
   *
   * @throws UncheckedIOException if no selector can be opened
   */
  public SelectorLoop(String name, Housekeeper ticker) {
    this.ticker = ticker;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    this.thread = new LoopThread(this, this::loop, name);
    thread.start();
  }

  /** Whether the calling thread is the thread of some loop (and so must not block). */
  public static boolean inLoopThread() {
    return Thread.currentThread() instanceof LoopThread;
  }

  /** The loop whose thread is calling, or {@code null} when the caller is not a loop thread. */
  public static SelectorLoop current() {
    Thread t = Thread.currentThread();
    return t instanceof LoopThread ? ((LoopThread) t).loop : null;
  }

  /** Whether the calling thread is this loop's thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /**
   * Registers {@code ch} (non-blocking) for {@code ops}. Loop thread only.
   *
   * @throws ClosedChannelException if the channel is closed
   */
  public SelectionKey register(SelectableChannel ch, int ops, Handler handler) throws ClosedChannelException {
    return ch.register(selector, ops, handler);
  }

  /**
   * Runs {@code task} on the loop thread after the next selection has deregistered the keys
   * cancelled before it (so a channel whose key was cancelled may then be put in blocking mode).
   * Loop thread only.
   */
  public void afterNextSelect(Runnable task) {
    afterSelect.add(task);
  }

  /** Runs {@code task} on the loop thread (on the caller's once the loop has ended). */
  @Override
  public void execute(Runnable task) {
    if (terminated) {
      task.run();
      return;
    }
    tasks.add(task);
    if (Thread.currentThread() != thread && wakeup.compareAndSet(false, true)) {
      wakeups++;
      selector.wakeup();
    }
    if (terminated) {
      runTasks();
    }
  }

  /** Whether {@link #close()} was called or the loop failed. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * What ended this loop, and every connection on it, other than {@link #close()} (an
   * {@link Error} of a handler or task, a failing selector); {@code null} while it runs or once
   * it was closed.
   */
  public Throwable failure() {
    return failure;
  }

  /** The name of the loop's thread. */
  public String name() {
    return thread.getName();
  }

  /**
   * Stops the loop; returns once its thread has ended (at most about a second) unless called on
   * it. Tasks queued meanwhile still run, then {@link Housekeeper#stopped()}.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    long wait = 1000;
    try {
      while (!closed) {
        wakeup.set(false);
        // the tasks asked for before this selection run after it; those asked for during it (by a
        // handler) wait for the next one, which deregisters the keys they cancelled
        List<Runnable> due = List.of();
        if (!afterSelect.isEmpty()) {
          due = afterSelect;
          afterSelect = new ArrayList<>();
        }
        if (tasks.isEmpty() && due.isEmpty() && afterSelect.isEmpty()) {
          selector.select(SelectorLoop::onKey, wait);
        } else {
          selector.selectNow(SelectorLoop::onKey);
        }
        for (Runnable r : due) {
          runQuietly(r);
        }
        runTasks();
        wait = Math.max(1, ticker.tick(System.nanoTime()));
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      closed = true;
      log.error("event loop {} died; its {} channels are closed and it takes no more work",
          thread.getName(), selector.isOpen() ? selector.keys().size() : 0, e);
    } finally {
      terminated = true;
      for (Runnable r : afterSelect) {
        runQuietly(r);
      }
      runTasks();
      try {
        ticker.stopped();
      } finally {
        try {
          for (SelectionKey k : selector.keys()) {
            closeQuietly(k.channel());
          }
          selector.close();
        } catch (IOException | RuntimeException e) {
          log.debug("event loop {}: closing its selector failed", thread.getName(), e);
        }
        runTasks();
      }
    }
  }

  private static void onKey(SelectionKey k) {
    try {
      if (k.isValid()) {
        ((Handler) k.attachment()).onReady(k);
      }
    } catch (CancelledKeyException e) {
      // provably nothing lost: the channel was closed meanwhile, by its owner, who knows
    } catch (RuntimeException e) {
      // a handler ends its own connection on failure, so this is a bug of the handler; the loop lives on
      log.warn("event loop {}: a channel handler threw (ignored)", Thread.currentThread().getName(), e);
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      runQuietly(t);
    }
  }

  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // each task ends its own work on failure, so this is a bug of the task; the loop lives on
      log.warn("event loop {}: a task threw (ignored)", Thread.currentThread().getName(), e);
    }
  }

  private static void closeQuietly(java.nio.channels.Channel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // provably irrelevant: the loop is ending and the channel is released either way
    }
  }
}
