package io.github.regionalrouter.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.resolve.CachingResolver.CacheHit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CachingResolverTest {
  private static final InboundRequest REQUEST =
      InboundRequest.builder().header("Host", "api.example.com").build();
  private static final RegionAnswer EAST = RegionAnswer.of("us_east1");
  private static final RegionAnswer CENTRAL = RegionAnswer.of("us_central1");

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ResolverCache settings = ResolverCache.defaults().withTicker(nanos::get);
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  private static CacheHit now(CompletionStage<CacheHit> stage) {
    CompletableFuture<CacheHit> f = stage.toCompletableFuture();
    assertThat(f).as("completed at once").isDone();
    return f.join();
  }

  private static Throwable failure(CompletionStage<?> stage) {
    CompletableFuture<?> f = stage.toCompletableFuture();
    assertThat(f).as("failed at once").isCompletedExceptionally();
    return f.handle((v, t) -> t).join();
  }

  @Test
  @Timeout(10)
  void freshAnswerIsServedUntilTheTtlThenTheResolverIsAskedAgain() {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);

    CompletionStage<CacheHit> first = cache.lookup("a.example", REQUEST);
    assertThat(cache.peek("a.example", REQUEST)).isNull();
    resolver.last().complete(EAST);
    assertThat(now(first).answer()).isEqualTo(EAST);
    assertThat(now(first).stale()).isFalse();

    advance(Duration.ofSeconds(29));
    assertThat(cache.peek("a.example", REQUEST).answer()).isEqualTo(EAST);
    assertThat(cache.resolve("a.example", REQUEST).toCompletableFuture().join()).isEqualTo(EAST);
    assertThat(resolver.calls()).isEqualTo(1);

    advance(Duration.ofSeconds(1)); // at the TTL: stale, so one refresh starts
    CacheHit stale = cache.peek("a.example", REQUEST);
    assertThat(stale.stale()).isTrue();
    assertThat(resolver.calls()).isEqualTo(2);
    assertThat(cache.stats().hits()).isEqualTo(2);
    assertThat(cache.stats().staleHits()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  @Timeout(10)
  void unknownAnswerExpiresAfterTheShorterNegativeTtl() {
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(
            host ->
                CompletableFuture.completedFuture(
                    host.startsWith("known") ? EAST : RegionAnswer.unknown()));
    CachingResolver cache = settings.withStaleWhileRevalidate(Duration.ZERO).wrap(resolver);

    assertThat(now(cache.lookup("known.example", REQUEST)).answer()).isEqualTo(EAST);
    assertThat(now(cache.lookup("other.example", REQUEST)).answer())
        .isEqualTo(RegionAnswer.unknown());

    advance(Duration.ofSeconds(5));
    assertThat(cache.peek("known.example", REQUEST)).isNotNull();
    assertThat(cache.peek("other.example", REQUEST)).isNull();
    cache.lookup("other.example", REQUEST);
    assertThat(resolver.calls()).isEqualTo(3);
  }

  @Test
  @Timeout(20)
  void aThousandConcurrentLookupsOfOneHostMakeOneResolverCall() throws Exception {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);

    List<CompletableFuture<CacheHit>> results = lookUpTogether(cache, 1000, i -> "a.example");
    assertThat(resolver.calls()).isEqualTo(1);
    assertThat(results).noneMatch(CompletableFuture::isDone);

    resolver.last().complete(EAST);
    assertThat(results).allSatisfy(f -> assertThat(f.join().answer()).isEqualTo(EAST));
    assertThat(cache.stats().loads()).isEqualTo(1);
  }

  @Test
  @Timeout(20)
  void concurrentLookupsMakeOneCallEvenWhenTheResolverAnswersSynchronously() throws Exception {
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(EAST));
    CachingResolver cache = settings.wrap(resolver);

    List<CompletableFuture<CacheHit>> results = lookUpTogether(cache, 1000, i -> "a.example");

    assertThat(resolver.calls()).isEqualTo(1);
    assertThat(results).allSatisfy(f -> assertThat(f.join().answer()).isEqualTo(EAST));
  }

  @Test
  @Timeout(20)
  void concurrentLookupsOfAHundredHostsMakeAHundredCalls() throws Exception {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);

    List<CompletableFuture<CacheHit>> results =
        lookUpTogether(cache, 1000, i -> "host" + (i % 100) + ".example");
    assertThat(resolver.calls()).isEqualTo(100);
    assertThat(resolver.callsMade()).extracting(ScriptedResolver.Call::host).doesNotHaveDuplicates();

    resolver.callsMade().forEach(c -> c.answer().complete(EAST));
    assertThat(results).allSatisfy(f -> assertThat(f.join().answer()).isEqualTo(EAST));
  }

  @Test
  @Timeout(10)
  void afterTheTtlPeekServesStaleWhileExactlyOneRefreshRunsThenTheNewAnswer() {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);
    cache.lookup("a.example", REQUEST);
    resolver.last().complete(EAST);

    advance(Duration.ofSeconds(31));
    for (int i = 0; i < 100; i++) {
      CacheHit hit = cache.peek("a.example", REQUEST);
      assertThat(hit.answer()).isEqualTo(EAST);
      assertThat(hit.stale()).isTrue();
    }
    assertThat(now(cache.lookup("a.example", REQUEST)).stale()).isTrue();
    assertThat(resolver.calls()).isEqualTo(2);

    resolver.last().complete(CENTRAL);
    CacheHit fresh = cache.peek("a.example", REQUEST);
    assertThat(fresh.answer()).isEqualTo(CENTRAL);
    assertThat(fresh.stale()).isFalse();
    assertThat(cache.stats().staleHits()).isEqualTo(101);
  }

  @Test
  @Timeout(20)
  void concurrentStalePeeksStartExactlyOneRefresh() throws Exception {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);
    cache.lookup("a.example", REQUEST);
    resolver.last().complete(EAST);
    advance(Duration.ofSeconds(31));

    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<CacheHit>> peeks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      peeks.add(
          pool.submit(
              () -> {
                start.await();
                return cache.peek("a.example", REQUEST);
              }));
    }
    start.countDown();
    for (java.util.concurrent.Future<CacheHit> p : peeks) {
      assertThat(p.get(10, TimeUnit.SECONDS).stale()).isTrue();
    }
    assertThat(resolver.calls()).isEqualTo(2);
  }

  @Test
  @Timeout(10)
  void pastTheStaleWhileRevalidateWindowALookupWaitsForTheResolver() {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);
    cache.lookup("a.example", REQUEST);
    resolver.last().complete(EAST);

    advance(Duration.ofSeconds(40)); // TTL 30 s + window 10 s
    assertThat(cache.peek("a.example", REQUEST)).isNull();
    CompletionStage<CacheHit> waiting = cache.lookup("a.example", REQUEST);
    assertThat(waiting.toCompletableFuture()).isNotDone();
    resolver.last().complete(CENTRAL);
    assertThat(now(waiting)).extracting(CacheHit::answer, CacheHit::stale)
        .containsExactly(CENTRAL, false);
  }

  @Test
  @Timeout(10)
  void whenTheRefreshFailsTheStaleAnswerIsServedUntilTtlPlusStaleIfErrorThenTheFailure() {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);
    RuntimeException down = new IllegalStateException("discovery down");
    cache.lookup("a.example", REQUEST);
    resolver.last().complete(EAST);

    advance(Duration.ofSeconds(31));
    assertThat(cache.peek("a.example", REQUEST).stale()).isTrue(); // starts the refresh
    resolver.last().completeExceptionally(down);
    assertThat(cache.peek("a.example", REQUEST).stale()).isTrue(); // within backoff: no new call
    assertThat(resolver.calls()).isEqualTo(2);

    advance(Duration.ofSeconds(100)); // past the revalidate window, within stale-if-error
    assertThat(cache.peek("a.example", REQUEST)).isNull();
    CompletionStage<CacheHit> retry = cache.lookup("a.example", REQUEST);
    resolver.last().completeExceptionally(new CompletionException(down));
    assertThat(now(retry)).extracting(CacheHit::answer, CacheHit::stale)
        .containsExactly(EAST, true);

    advance(Duration.ofSeconds(30 + 300 - 131)); // exactly TTL + stale-if-error
    CompletionStage<CacheHit> last = cache.lookup("a.example", REQUEST);
    resolver.last().completeExceptionally(new CompletionException(down));
    assertThat(failure(last)).isSameAs(down);
    assertThat(resolver.calls()).isEqualTo(4);
    assertThat(cache.stats().loadFailures()).isEqualTo(3);
  }

  @Test
  @Timeout(10)
  void failedLookupsWithinTheErrorBackoffMakeNoCallAndOneCallAfterIt() {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);
    RuntimeException down = new IllegalStateException("discovery down");

    CompletionStage<CacheHit> first = cache.lookup("a.example", REQUEST);
    resolver.last().completeExceptionally(down);
    assertThat(failure(first)).isSameAs(down);

    advance(Duration.ofMillis(999));
    for (int i = 0; i < 10; i++) {
      assertThat(failure(cache.lookup("a.example", REQUEST))).isSameAs(down);
      assertThat(failure(cache.resolve("a.example", REQUEST))).isSameAs(down);
    }
    assertThat(resolver.calls()).isEqualTo(1);

    advance(Duration.ofMillis(1));
    CompletionStage<CacheHit> after = cache.lookup("a.example", REQUEST);
    cache.lookup("a.example", REQUEST);
    assertThat(resolver.calls()).isEqualTo(2);
    resolver.last().complete(EAST);
    assertThat(now(after).answer()).isEqualTo(EAST);
  }

  @Test
  @Timeout(10)
  void theCacheStaysAtItsBoundAndCountsEvictions() {
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(EAST));
    CachingResolver cache = settings.withMaxEntries(100).wrap(resolver);

    for (int i = 0; i < 1000; i++) {
      cache.lookup("host" + i + ".example", REQUEST);
      assertThat(cache.stats().size()).isLessThanOrEqualTo(100);
    }
    assertThat(cache.stats().size()).isEqualTo(100);
    assertThat(cache.stats().evictions()).isEqualTo(900);
  }

  @Test
  @Timeout(10)
  void anEntryInUseSurvivesEvictionOfUnusedOnes() {
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(EAST));
    CachingResolver cache = settings.withMaxEntries(10).wrap(resolver);
    cache.lookup("hot.example", REQUEST);

    for (int i = 0; i < 1000; i++) {
      cache.lookup("cold" + i + ".example", REQUEST);
      assertThat(cache.peek("hot.example", REQUEST)).as("after %d cold hosts", i).isNotNull();
    }
    assertThat(resolver.calls()).isEqualTo(1001);
  }

  @Test
  @Timeout(60)
  void aMillionRandomHostsStayWithinABoundOfAThousand() {
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(EAST));
    CachingResolver cache = settings.withMaxEntries(1000).wrap(resolver);
    SplittableRandom random = new SplittableRandom(42);

    for (int i = 0; i < 1_000_000; i++) {
      cache.resolve(Long.toHexString(random.nextLong()) + ".example", REQUEST);
    }
    assertThat(cache.stats().size()).isLessThanOrEqualTo(1000);
    assertThat(cache.stats().evictions()).isGreaterThanOrEqualTo(1_000_000 - 1000);
  }

  @Test
  @Timeout(60)
  void concurrentInsertsOfManyHostsEndWithinTheBound() throws Exception {
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(EAST));
    CachingResolver cache = settings.withMaxEntries(100).wrap(resolver);

    lookUpTogether(cache, 100_000, i -> "host" + i + ".example");

    assertThat(cache.stats().size()).isLessThanOrEqualTo(100);
  }

  @Test
  @Timeout(10)
  void aResolverThatThrowsGivesAFailedStage() {
    RuntimeException broken = new IllegalStateException("broken resolver");
    ScriptedResolver resolver =
        ScriptedResolver.answeringAtOnce(
            h -> {
              throw broken;
            });
    CachingResolver cache = settings.wrap(resolver);

    assertThat(failure(cache.lookup("a.example", REQUEST))).isSameAs(broken);
    assertThat(cache.stats().loadFailures()).isEqualTo(1);
  }

  @Test
  @Timeout(10)
  void aResolverAnsweringNullOrANullStageFails() {
    CachingResolver nullAnswer =
        settings.wrap(
            ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(null)));
    CachingResolver nullStage = settings.wrap(ScriptedResolver.answeringAtOnce(h -> null));

    assertThat(failure(nullAnswer.lookup("a.example", REQUEST)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("a.example");
    assertThat(failure(nullStage.resolve("a.example", REQUEST)))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  @Timeout(10)
  void aCallerCompletingItsFutureDoesNotAffectOthers() {
    ScriptedResolver resolver = ScriptedResolver.pending();
    CachingResolver cache = settings.wrap(resolver);

    CompletableFuture<CacheHit> rude = cache.lookup("a.example", REQUEST).toCompletableFuture();
    CompletableFuture<CacheHit> polite = cache.lookup("a.example", REQUEST).toCompletableFuture();
    CompletableFuture<RegionAnswer> other = cache.resolve("a.example", REQUEST).toCompletableFuture();
    rude.complete(null);
    rude.obtrudeException(new IllegalStateException("mine"));
    other.cancel(true);

    assertThat(polite).isNotDone();
    resolver.last().complete(EAST);
    assertThat(polite.join().answer()).isEqualTo(EAST);
    assertThat(cache.peek("a.example", REQUEST).answer()).isEqualTo(EAST);
    assertThat(resolver.calls()).isEqualTo(1);
  }

  @Test
  @Timeout(30)
  void peekAllocatesNothingOnAHit() {
    CachingResolver cache =
        settings.wrap(
            ScriptedResolver.answeringAtOnce(h -> CompletableFuture.completedFuture(EAST)));
    String host = "a.example";
    cache.lookup(host, REQUEST);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < 100_000; i++) { // warm up, and let the JIT settle
      cache.peek(host, REQUEST);
    }

    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 10_000; i++) {
      if (cache.peek(host, REQUEST) == null) {
        throw new AssertionError("miss");
      }
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // 10,000 peeks allocating even 8 bytes each would be 80,000; the slack is for the MXBean itself
    assertThat(allocated).isLessThan(2_000);
  }

  @Test
  @Timeout(10)
  void nullArgumentsAreRejected() {
    CachingResolver cache = settings.wrap(ScriptedResolver.pending());
    assertThatThrownBy(() -> cache.peek(null, REQUEST)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.lookup("a", null)).isInstanceOf(NullPointerException.class);
  }

  /** Starts {@code n} lookups from a pool, released together; returns once all were made. */
  private List<CompletableFuture<CacheHit>> lookUpTogether(
      CachingResolver cache, int n, java.util.function.IntFunction<String> host) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<CompletableFuture<CacheHit>>> submitted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      submitted.add(
          pool.submit(
              () -> {
                start.await();
                return cache.lookup(host.apply(index), REQUEST).toCompletableFuture();
              }));
    }
    start.countDown();
    List<CompletableFuture<CacheHit>> results = new ArrayList<>();
    for (java.util.concurrent.Future<CompletableFuture<CacheHit>> f : submitted) {
      results.add(f.get(10, TimeUnit.SECONDS));
    }
    return results;
  }
}
