package io.github.regionalrouter.forward;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches response relays for an upstream that stops sending its body. One scan every 100 ms on
 * the forwarders' timer thread replaces a timer task per chunk (which cost a scheduled task, its
 * cancellation and the timer queue's lock for every response): the body idle timeout fires up to
 * 100 ms late, which a timeout measured in seconds does not notice.
 */
final class IdleWatch {
  private static final long PERIOD_MILLIS = 100;
  private static final Set<ResponseRelay> RELAYS = ConcurrentHashMap.newKeySet();
  private static volatile boolean started;

  private IdleWatch() {}

  static void watch(ResponseRelay relay) {
    RELAYS.add(relay);
    if (!started) {
      start();
    }
  }

  static void unwatch(ResponseRelay relay) {
    RELAYS.remove(relay);
  }

  private static synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    Timers.SCHEDULER.scheduleWithFixedDelay(IdleWatch::scan, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static void scan() {
    long now = System.nanoTime();
    for (ResponseRelay relay : RELAYS) {
      try {
        if (relay.checkIdle(now)) {
          RELAYS.remove(relay); // ended
        }
      } catch (RuntimeException e) {
        RELAYS.remove(relay); // never let one relay stop the scans
      }
    }
  }
}
