package io.github.regionalrouter.internal;

/**
 * Lets code running inside a task ask for one more piece of work to run on the same thread once
 * the task has ended, instead of handing it to another thread. The forwarder runs each exchange's
 * sink calls through {@link #run}; the standalone server's connection, completed from such a call,
 * {@linkplain #defer defers} reading its next request head to the end of that call: the thread that
 * wrote the answer reads the next request, and the answer's bookkeeping (permit, counters, access
 * log) is done before.
 *
 * <p>One deferred piece per task; tasks may nest (the inner one has its own tail).
 */
public final class TaskTail {
  private static final ThreadLocal<TaskTail> CURRENT = new ThreadLocal<>();

  private Runnable next;

  private TaskTail() {}

  /** Runs {@code task}, then the work it deferred, if any, on this thread. */
  public static void run(Runnable task) {
    TaskTail outer = CURRENT.get();
    TaskTail tail = new TaskTail();
    CURRENT.set(tail);
    Runnable next;
    try {
      task.run();
    } finally {
      next = tail.next;
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /**
   * Asks for {@code work} to run on this thread once the current {@link #run} task has ended.
   * Returns false, and does nothing, when this thread is not running such a task or the task has
   * already deferred something: the caller must then run or submit the work itself.
   */
  public static boolean defer(Runnable work) {
    TaskTail t = CURRENT.get();
    if (t == null || t.next != null) {
      return false;
    }
    t.next = work;
    return true;
  }
}
