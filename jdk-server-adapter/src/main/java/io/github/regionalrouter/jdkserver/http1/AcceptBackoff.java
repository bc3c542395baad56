package io.github.regionalrouter.jdkserver.http1;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The acceptor's retry when {@code accept} fails while the listener is open (most often too many
 * open files): it waits 10 ms, then twice as long after each further failure, up to 1 s, instead
 * of spinning a core on a failing call; connections already open are served meanwhile by their own
 * threads and loops. A burst of failures is logged once at WARN when it begins and once when an
 * accept succeeds again, with its count and length. One per acceptor thread; not thread-safe.
 */
final class AcceptBackoff {
  static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** One accept call. */
  @FunctionalInterface
  interface Accept<T> {
    T accept() throws IOException;
  }

  /** Waits between attempts ({@link TimeUnit#sleep} outside tests). */
  @FunctionalInterface
  interface Pause {
    void pause(long nanos) throws InterruptedException;
  }

  private final String server;
  private final Logger log;
  private final Pause pause;
  private final LongSupplier nanoTime;
  private long failures;
  private long burstStart;
  private long nextPause = FIRST_PAUSE_NANOS;

  AcceptBackoff(String server, Logger log) {
    this(server, log, TimeUnit.NANOSECONDS::sleep, System::nanoTime);
  }

  AcceptBackoff(String server, Logger log, Pause pause, LongSupplier nanoTime) {
    this.server = Objects.requireNonNull(server, "server");
    this.log = Objects.requireNonNull(log, "log");
    this.pause = Objects.requireNonNull(pause, "pause");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Calls {@code accept} until it returns a connection, pausing after each failure; returns
   * {@code null} once {@code closed} says the listener was closed (or the thread is interrupted).
   */
  <T> T accept(Accept<T> accept, BooleanSupplier closed) {
    for (;;) {
      T t;
      try {
        t = accept.accept();
      } catch (IOException e) {
        if (closed.getAsBoolean() || !failed(e)) {
          return null;
        }
        continue;
      }
      succeeded();
      return t;
    }
  }

  /** Logs the start of a burst, then pauses; false when interrupted. */
  private boolean failed(IOException e) {
    if (failures++ == 0) {
      burstStart = nanoTime.getAsLong();
      log.warn("{}: accept failed, retrying with backoff ({} ms up to {} ms) while open connections are served",
          server, TimeUnit.NANOSECONDS.toMillis(FIRST_PAUSE_NANOS), TimeUnit.NANOSECONDS.toMillis(MAX_PAUSE_NANOS), e);
    }
    long p = nextPause;
    nextPause = Math.min(MAX_PAUSE_NANOS, nextPause * 2);
    try {
      pause.pause(p);
      return true;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void succeeded() {
    if (failures > 0) {
      log.warn("{}: accepting again after {} failed accepts in {} ms", server, failures,
          TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - burstStart));
      failures = 0;
      nextPause = FIRST_PAUSE_NANOS;
    }
  }
}
