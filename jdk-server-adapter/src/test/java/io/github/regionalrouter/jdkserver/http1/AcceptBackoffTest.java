package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

/** The acceptor's backoff, on a fake clock: pauses are counted, never slept. */
class AcceptBackoffTest {
  private final ConcurrentLinkedQueue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final EventRecordingLogger log =
      new EventRecordingLogger(new SubstituteLogger("test", events, false), events);
  private final AtomicLong now = new AtomicLong();
  private final List<Long> pausesMillis = new ArrayList<>();
  private final AcceptBackoff backoff = new AcceptBackoff("http1-test", log, nanos -> {
    pausesMillis.add(TimeUnit.NANOSECONDS.toMillis(nanos));
    now.addAndGet(nanos);
  }, now::get);

  /** Fails {@code failures} times with "Too many open files", then accepts "conn". */
  private static AcceptBackoff.Accept<String> failing(int failures, AtomicInteger calls) {
    return () -> {
      if (calls.incrementAndGet() <= failures) {
        throw new IOException("Too many open files");
      }
      return "conn";
    };
  }

  @Test
  void failingAcceptsArePausedFrom10MsDoublingUpTo1sThenTheConnectionIsReturned() {
    AtomicInteger calls = new AtomicInteger();

    String c = backoff.accept(failing(9, calls), () -> false);

    assertThat(c).isEqualTo("conn");
    assertThat(calls.get()).isEqualTo(10);
    assertThat(pausesMillis).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L);
  }

  @Test
  void aBurstIsLoggedOnceWhenItBeginsAndOnceWithItsCountWhenItEnds() {
    backoff.accept(failing(50, new AtomicInteger()), () -> false);

    assertThat(events).hasSize(2);
    SubstituteLoggingEvent begins = events.poll();
    assertThat(begins.getLevel()).isEqualTo(Level.WARN);
    assertThat(begins.getThrowable()).hasMessage("Too many open files");
    SubstituteLoggingEvent ends = events.poll();
    assertThat(ends.getLevel()).isEqualTo(Level.WARN);
    assertThat(ends.getMessage()).contains("failed accepts");
    assertThat(ends.getArgumentArray()).containsExactly("http1-test", 50L, 10L + 20 + 40 + 80 + 160 + 320 + 640 + 43 * 1000L);
  }

  @Test
  void afterASuccessTheNextBurstStartsAgainAt10MsAndIsLoggedAgain() {
    backoff.accept(failing(3, new AtomicInteger()), () -> false);
    pausesMillis.clear();
    events.clear();

    backoff.accept(failing(2, new AtomicInteger()), () -> false);

    assertThat(pausesMillis).containsExactly(10L, 20L);
    assertThat(events).hasSize(2);
  }

  @Test
  void successfulAcceptsNeitherPauseNorLog() {
    for (int i = 0; i < 3; i++) {
      assertThat(backoff.accept(() -> "conn", () -> false)).isEqualTo("conn");
    }
    assertThat(pausesMillis).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void aFailureAfterTheListenerClosedEndsAcceptingWithoutPauseOrLog() {
    String c = backoff.accept(() -> {
      throw new IOException("Socket closed");
    }, () -> true);

    assertThat(c).isNull();
    assertThat(pausesMillis).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void anInterruptedPauseEndsAccepting() {
    AcceptBackoff interrupted = new AcceptBackoff("http1-test", log, nanos -> {
      throw new InterruptedException();
    }, now::get);

    String c = interrupted.accept(failing(1, new AtomicInteger()), () -> false);

    assertThat(c).isNull();
    assertThat(Thread.interrupted()).isTrue(); // kept for the thread's owner (and cleared here)
  }
}
