package io.github.regionalrouter.forward;

import io.github.regionalrouter.internal.TaskTail;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: the tasks of one exchange
 * (sink calls) never overlap, and each happens-before the next. A sink call may
 * {@linkplain TaskTail#defer defer} work to the end of the batch it runs in (the standalone server
 * reads the connection's next request there).
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      handOff();
    }
  }

  /**
   * Runs {@code task} now, on the calling thread, if no task is queued or running; false, without
   * running it, otherwise. Tasks submitted while it runs run after it, in order, on the delegate.
   * Unlike a task run by the delegate, it runs outside {@link TaskTail#run}: a sink called inline
   * (one that says it will not block) has nothing to defer, and the loop's hot path no allocation
   * for it.
   */
  boolean tryRunInline(Runnable task) {
    if (!pending.compareAndSet(0, 1)) {
      return false;
    }
    runLogged(task);
    if (pending.decrementAndGet() != 0) {
      handOff(); // submitted meanwhile: they saw pending > 0 and left the drain to us
    }
    return true;
  }

  /** Drains the queue on the delegate. */
  private void handOff() {
    try {
      delegate.execute(() -> TaskTail.run(this::drain));
    } catch (RuntimeException e) {
      // executor shut down: run here rather than lose the exchange's end
      drain();
    }
  }

  private void drain() {
    do {
      runLogged(tasks.poll());
    } while (pending.decrementAndGet() != 0);
  }

  /**
   * Runs {@code task}; one that throws is logged and the queue goes on. A task ends its own
   * exchange on failure, so a throw here is a bug that may have left an exchange unanswered.
   */
  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (VirtualMachineError e) {
      throw e; // nothing sensible runs after this
    } catch (RuntimeException | Error e) {
      log.error("a forwarding task threw (a bug; its exchange may be left unanswered)", e);
    }
  }
}
