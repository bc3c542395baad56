package io.github.regionalrouter.jdkserver;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Deadline polling for conditions no event announces (thread counts, counters). */
final class Poll {
  private Poll() {}

  /** Polls {@code condition} every 10 ms until it holds (true) or {@code limit} passes (false). */
  static boolean until(BooleanSupplier condition, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return true;
  }
}
