package io.github.regionalrouter.forward;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one forwarder's response relays for an upstream that stops sending its body. One scan
 * every 100 ms replaces a timer task per chunk (which cost a scheduled task, its cancellation and
 * the timer queue's lock for every response): the body idle timeout fires up to 100 ms late,
 * which a timeout measured in seconds does not notice.
 *
 * <p>The scan runs on a timer thread of this watch's own ({@code regional-router-timer-<n>}),
 * started on the first {@link #watch} and ended by {@link #close()}: a JVM-wide timer would
 * outlive the forwarder and, in a servlet container, pin the webapp's class loader across
 * redeploys. A relay watched after {@code close()} is not timed (the forwarder is closed).
 */
final class IdleWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleWatch.class);

  private static final long PERIOD_MILLIS = 100;
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final Set<ResponseRelay> relays = ConcurrentHashMap.newKeySet();
  private ScheduledThreadPoolExecutor timer; // guarded by this
  private volatile boolean started;
  private boolean closed; // guarded by this

  void watch(ResponseRelay relay) {
    relays.add(relay);
    if (!started) {
      start();
    }
  }

  void unwatch(ResponseRelay relay) {
    relays.remove(relay);
  }

  private synchronized void start() {
    if (started || closed) {
      return;
    }
    timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "regional-router-timer-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    timer.scheduleWithFixedDelay(this::scan, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    started = true;
  }

  /** Ends the timer thread, if one was started, and waits (at most 1 s) until it has ended. */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor t;
    synchronized (this) {
      closed = true;
      started = true; // no later watch() starts a timer
      t = timer;
      timer = null;
    }
    relays.clear();
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void scan() {
    long now = System.nanoTime();
    for (ResponseRelay relay : relays) {
      try {
        if (relay.checkIdle(now)) {
          relays.remove(relay); // ended
        }
      } catch (RuntimeException e) {
        relays.remove(relay); // never let one relay stop the scans
        log.warn("idle check of a response relay threw (a bug; unwatched now)", e);
      }
    }
  }
}
