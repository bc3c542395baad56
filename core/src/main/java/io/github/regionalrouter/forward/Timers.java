package io.github.regionalrouter.forward;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The one timer thread of every forwarder: body idle timeouts. Its tasks only hand off. */
final class Timers {
  private Timers() {}

  static final ScheduledThreadPoolExecutor SCHEDULER;

  static {
    SCHEDULER = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "regional-router-timer");
      t.setDaemon(true);
      return t;
    });
    SCHEDULER.setRemoveOnCancelPolicy(true); // a timer re-armed per chunk must not pile up
  }
}
