package io.github.regionalrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.regionalrouter.RoutingListener;
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

class ListenerFanOutTest {

  private final ConcurrentLinkedQueue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final EventRecordingLogger log =
      new EventRecordingLogger(new SubstituteLogger("test", events, false), events);
  private final AtomicLong now = new AtomicLong(1_000);

  private static final RoutingListener THROWING =
      new RoutingListener() {
        @Override
        public void onCacheMiss(String host) {
          throw new IllegalStateException("listener bug");
        }

        @Override
        public String toString() {
          return "throwing-listener";
        }
      };

  @Test
  void aThrowingListenerIsSkippedAndTheNextOneStillHearsTheEvent() {
    AtomicInteger heard = new AtomicInteger();
    RoutingListener counting =
        new RoutingListener() {
          @Override
          public void onCacheMiss(String host) {
            heard.incrementAndGet();
          }
        };
    ListenerFanOut fanOut = new ListenerFanOut(List.of(THROWING, counting), log, now::get);

    assertThatCode(() -> fanOut.onCacheMiss("a.example")).doesNotThrowAnyException();

    assertThat(heard.get()).isEqualTo(1);
  }

  @Test
  void aListenerThatKeepsThrowingIsLoggedOncePerMinuteWithTheCountOfThrowsNotLogged() {
    ListenerFanOut fanOut = new ListenerFanOut(List.of(THROWING), log, now::get);

    fanOut.onCacheMiss("a.example");
    for (int i = 0; i < 5; i++) {
      now.addAndGet(TimeUnit.SECONDS.toNanos(10));
      fanOut.onCacheMiss("a.example");
    }
    assertThat(events).hasSize(1);
    SubstituteLoggingEvent first = events.poll();
    assertThat(first.getLevel()).isEqualTo(Level.WARN);
    assertThat(first.getThrowable()).hasMessage("listener bug");
    assertThat(first.getArgumentArray()).containsExactly(THROWING, "onCacheMiss", 0L);

    now.addAndGet(TimeUnit.SECONDS.toNanos(10)); // a minute after the first log line
    fanOut.onCacheMiss("a.example");

    assertThat(events).hasSize(1);
    SubstituteLoggingEvent second = events.poll();
    assertThat(second.getArgumentArray()).contains(5L);
    assertThat(second.getThrowable()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void eachListenerHasItsOwnRateLimit() {
    RoutingListener other =
        new RoutingListener() {
          @Override
          public void onCacheMiss(String host) {
            throw new IllegalArgumentException("other bug");
          }
        };
    ListenerFanOut fanOut = new ListenerFanOut(List.of(THROWING, other), log, now::get);

    fanOut.onCacheMiss("a.example");
    fanOut.onCacheMiss("a.example");

    assertThat(events).extracting(e -> e.getThrowable().getMessage())
        .containsExactly("listener bug", "other bug");
  }
}
