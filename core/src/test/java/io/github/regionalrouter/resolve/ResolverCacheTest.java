package io.github.regionalrouter.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResolverCacheTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ResolverCache d = ResolverCache.defaults();
    assertThat(d.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.negativeTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.maxEntries()).isEqualTo(100_000);
    assertThat(d.staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.staleIfError()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.errorBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.toString())
        .isEqualTo(
            "ResolverCache[ttl=PT30S, negativeTtl=PT5S, maxEntries=100000,"
                + " staleWhileRevalidate=PT10S, staleIfError=PT5M, errorBackoff=PT1S,"
                + " ticker=system]");
  }

  @Test
  void settersReturnANewInstanceAndLeaveTheOldOneAlone() {
    ResolverCache base = ResolverCache.ofTtl(Duration.ofSeconds(60));
    ResolverCache changed =
        base.withMaxEntries(10)
            .withNegativeTtl(Duration.ZERO)
            .withStaleWhileRevalidate(Duration.ZERO)
            .withStaleIfError(Duration.ofHours(1))
            .withErrorBackoff(Duration.ofMillis(250))
            .withTtl(Duration.ofSeconds(5));

    assertThat(base.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(base.maxEntries()).isEqualTo(100_000);
    assertThat(changed.toString())
        .startsWith(
            "ResolverCache[ttl=PT5S, negativeTtl=PT0S, maxEntries=10, staleWhileRevalidate=PT0S,"
                + " staleIfError=PT1H, errorBackoff=PT0.25S");
  }

  @Test
  void badValuesAreRejectedAtOnceWithTheArgumentAndTheRule() {
    ResolverCache d = ResolverCache.defaults();
    assertThatThrownBy(() -> ResolverCache.ofTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> d.withTtl(Duration.ZERO)).hasMessage("ttl: PT0S (expected: > 0)");
    assertThatThrownBy(() -> d.withNegativeTtl(Duration.ofMillis(-1)))
        .hasMessage("negativeTtl: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(() -> d.withMaxEntries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEntries: 0 (expected: >= 1)");
    assertThatThrownBy(() -> d.withStaleWhileRevalidate(Duration.ofSeconds(-1)))
        .hasMessage("staleWhileRevalidate: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> d.withStaleIfError(Duration.ofSeconds(-1)))
        .hasMessage("staleIfError: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> d.withErrorBackoff(Duration.ofSeconds(-1)))
        .hasMessage("errorBackoff: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> d.withTicker(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> d.withStaleIfError(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void hugeDurationsAreAcceptedAndDoNotOverflow() {
    CachingResolver cache =
        ResolverCache.ofTtl(Duration.ofDays(365 * 1000))
            .withStaleIfError(Duration.ofSeconds(Long.MAX_VALUE))
            .wrap(ScriptedResolver.answeringAtOnce(
                h -> java.util.concurrent.CompletableFuture.completedFuture(RegionAnswer.of("a"))));
    cache.lookup("x", io.github.regionalrouter.InboundRequest.builder().build());
    assertThat(cache.peek("x", io.github.regionalrouter.InboundRequest.builder().build()).stale())
        .isFalse();
  }
}
