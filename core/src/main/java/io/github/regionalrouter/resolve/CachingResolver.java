package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A {@link RegionResolver} that caches another's answers, per host. Made by
 * {@link ResolverCache#wrap}, whose javadoc says how an answer ages. Thread-safe.
 *
 * <p>At most one call to the wrapped resolver runs per host at a time: concurrent lookups that miss
 * share it (single-flight), and a stale answer triggers one background refresh however often it is
 * served.
 *
 * <p>Threads: nothing here blocks or starts a thread. A lookup answered from the cache completes
 * on the caller's thread. A call to the wrapped resolver is made on the thread of the lookup (or
 * {@link #peek}) that needed it; the cache is updated, and every waiting caller's stage is
 * completed, on the thread that completes the wrapped resolver's stage (the caller's thread if the
 * resolver answers synchronously). A background refresh runs the same way. Do not block in
 * callbacks on the returned stages.
 *
 * <p>Failures: the returned stages complete exceptionally with the wrapped resolver's own exception
 * (unwrapped from {@link CompletionException}); a resolver that throws instead of returning a
 * failed stage, or answers {@code null}, counts as failed. During an error backoff every failing
 * lookup of a host gets the same exception instance.
 */
public final class CachingResolver implements RegionResolver {
  // Second chances granted per eviction before the scan evicts whatever it finds: bounds the work
  // of one insert even when every entry is in use.
  private static final int MAX_SECOND_CHANCES = 16;

  private final RegionResolver resolver;
  private final ResolverCache settings;
  private final Ticker ticker;
  private final long ttl;
  private final long negativeTtl;
  private final long staleWhileRevalidate;
  private final long staleIfError;
  private final long errorBackoff;
  private final int maxEntries;

  private final ConcurrentHashMap<String, CacheEntry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<CacheHit>> inFlight =
      new ConcurrentHashMap<>();
  // Each cached host appears here exactly once, in CLOCK order; only an evictor that polled a host
  // may remove its entry, which keeps this queue and the map in step without a lock.
  private final ConcurrentLinkedQueue<String> clock = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  private final LongAdder hits = new LongAdder();
  private final LongAdder staleHits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  CachingResolver(ResolverCache settings, RegionResolver resolver) {
    this.settings = settings;
    this.resolver = resolver;
    this.ticker = settings.ticker();
    this.ttl = ResolverCache.nanos(settings.ttl());
    this.negativeTtl = ResolverCache.nanos(settings.negativeTtl());
    this.staleWhileRevalidate = ResolverCache.nanos(settings.staleWhileRevalidate());
    this.staleIfError = ResolverCache.nanos(settings.staleIfError());
    this.errorBackoff = ResolverCache.nanos(settings.errorBackoff());
    this.maxEntries = settings.maxEntries();
  }

  /**
   * The settings this cache was made with.
   *
   * @return the settings
   */
  public ResolverCache settings() {
    return settings;
  }

  /**
   * The answer to use now without waiting, or {@code null} when the caller must call
   * {@link #lookup} or {@link #resolve}. Returns a fresh answer, or a stale one within the
   * stale-while-revalidate window (and then starts one background refresh, unless one runs or the
   * host is in its error backoff). Allocates nothing on a hit, except the once that it starts a
   * refresh.
   *
   * @param host the normalized host; not null
   * @param request the request asking; not null, passed to the resolver by a refresh
   * @return the cached answer to use now, or {@code null}
   */
  public CacheHit peek(String host, InboundRequest request) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    return peek(host, request, ticker.read());
  }

  /**
   * Like {@link #resolve}, but says whether the answer is stale (served under
   * stale-while-revalidate, or under stale-if-error after the refresh failed). Completes
   * exceptionally only when there is no answer to serve. Each caller gets its own stage:
   * completing it affects no other caller.
   *
   * @param host the normalized host; not null
   * @param request the request asking; not null, passed to the resolver on a miss or refresh
   * @return a stage completing with the answer and whether it is stale
   */
  public CompletionStage<CacheHit> lookup(String host, InboundRequest request) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    long now = ticker.read();
    CacheHit hit = peek(host, request, now);
    return hit != null
        ? CompletableFuture.completedFuture(hit)
        : forward(miss(host, request, now), Function.identity());
  }

  @Override
  public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    long now = ticker.read();
    CacheHit hit = peek(host, request, now);
    return hit != null
        ? CompletableFuture.completedFuture(hit.answer())
        : forward(miss(host, request, now), CacheHit::answer);
  }

  /**
   * A snapshot of the counters (hits, stale hits, misses, loads, failures, evictions, size).
   *
   * @return the counters now
   */
  public CacheStats stats() {
    return new CacheStats(
        hits.sum(),
        staleHits.sum(),
        misses.sum(),
        loads.sum(),
        loadFailures.sum(),
        evictions.sum(),
        entries.mappingCount());
  }

  @Override
  public String toString() {
    return "CachingResolver[" + resolver + ", " + settings + "]";
  }

  private CacheHit peek(String host, InboundRequest request, long now) {
    CacheEntry e = entries.get(host);
    if (e == null || e.answer == null) {
      return null;
    }
    if (!e.used) {
      e.used = true; // written only when it changes, to keep the hit path read-only
    }
    long age = now - e.loadedAt;
    if (age < e.ttl) {
      hits.increment();
      return e.fresh;
    }
    long overdue = age - e.ttl;
    boolean failed = e.failure != null;
    if (overdue >= staleWhileRevalidate || (failed && overdue >= staleIfError)) {
      return null;
    }
    if (!(failed && now - e.failedAt < errorBackoff) && e.startRefresh()) {
      load(host, request);
    }
    staleHits.increment();
    return e.stale;
  }

  private CompletableFuture<CacheHit> miss(String host, InboundRequest request, long now) {
    misses.increment();
    CompletableFuture<CacheHit> shared = inFlight.get(host);
    if (shared == null) {
      CompletableFuture<CacheHit> backoff = backoffAnswer(entries.get(host), now);
      shared = backoff != null ? backoff : load(host, request);
    }
    return shared;
  }

  /**
   * A future of the caller's own, so that no caller can complete or obtrude the shared one, that
   * fails with the shared one's cause itself rather than wrapped as {@code thenApply} would.
   */
  private static <T> CompletableFuture<T> forward(
      CompletableFuture<CacheHit> shared, Function<CacheHit, T> map) {
    CompletableFuture<T> own = new CompletableFuture<>();
    shared.whenComplete(
        (hit, error) -> {
          if (error == null) {
            own.complete(map.apply(hit));
          } else {
            own.completeExceptionally(unwrap(error));
          }
        });
    return own;
  }

  /**
   * The answer during the error backoff of a failed host: its stale answer if stale-if-error allows
   * it, else its failure; {@code null} outside the backoff.
   */
  private CompletableFuture<CacheHit> backoffAnswer(CacheEntry e, long now) {
    if (e == null || e.failure == null || now - e.failedAt >= errorBackoff) {
      return null;
    }
    if (e.answer != null && now - e.loadedAt - e.ttl < staleIfError) {
      return CompletableFuture.completedFuture(e.stale);
    }
    return CompletableFuture.failedFuture(e.failure);
  }

  /** Calls the resolver, unless a call for {@code host} runs already: then joins that call. */
  private CompletableFuture<CacheHit> load(String host, InboundRequest request) {
    CompletableFuture<CacheHit> mine = new CompletableFuture<>();
    CompletableFuture<CacheHit> running = inFlight.putIfAbsent(host, mine);
    if (running != null) {
      return running;
    }
    // A call may have ended between the caller's look at the cache and our taking the slot: look
    // again, so that N concurrent misses make one call even when the resolver answers at once.
    long now = ticker.read();
    CacheEntry e = entries.get(host);
    CompletableFuture<CacheHit> known =
        e != null && e.answer != null && now - e.loadedAt < e.ttl
            ? CompletableFuture.completedFuture(e.fresh)
            : backoffAnswer(e, now);
    if (known != null) {
      inFlight.remove(host, mine);
      known.whenComplete((hit, error) -> complete(mine, hit, error));
      return mine;
    }
    loads.increment();
    CompletionStage<RegionAnswer> stage;
    try {
      stage = resolver.resolve(host, request);
      Objects.requireNonNull(stage, "resolver returned a null stage");
    } catch (Throwable t) { // a broken resolver fails the lookup; it must not break the caller
      loaded(host, mine, null, t);
      return mine;
    }
    stage.whenComplete((answer, error) -> loaded(host, mine, answer, error));
    return mine;
  }

  /** Stores the outcome of a call, then ends the flight and completes its waiters. */
  private void loaded(
      String host, CompletableFuture<CacheHit> flight, RegionAnswer a, Throwable t) {
    long now = ticker.read();
    CacheEntry old = entries.get(host); // only this flight writes the host's entry now
    CacheHit hit = null;
    Throwable cause = null;
    if (t == null && a != null) {
      CacheEntry e = new CacheEntry(a, now, a.isKnown() ? ttl : negativeTtl, old);
      put(host, e, old != null);
      hit = e.fresh;
    } else {
      loadFailures.increment();
      Throwable failure =
          t != null ? unwrap(t) : new NullPointerException("resolver answered null for " + host);
      if (old != null && old.answer != null && now - old.loadedAt - old.ttl < staleIfError) {
        put(host, old.failed(failure, now), true);
        hit = old.stale;
      } else {
        cause = failure;
        // Keep the failure, without an answer, only to back off; with no backoff the old entry
        // (too old to serve, so harmless) stays until the next load or eviction.
        if (errorBackoff > 0) {
          put(host, new CacheEntry(null, now, 0, null).failed(cause, now), old != null);
        }
      }
    }
    inFlight.remove(host, flight);
    complete(flight, hit, cause);
  }

  private void put(String host, CacheEntry e, boolean used) {
    e.used = used;
    if (entries.put(host, e) == null) {
      clock.offer(host);
      if (size.incrementAndGet() > maxEntries) {
        evict();
      }
    }
  }

  /**
   * CLOCK eviction until the size is within the bound: walks the queue from its head, evicts an
   * expired or unused entry, and gives a used one a second chance (clears the mark, moves it to the
   * tail). Amortized O(1) per insert.
   */
  private void evict() {
    long now = ticker.read();
    int chances = 0;
    while (size.get() > maxEntries) {
      String host = clock.poll();
      if (host == null) {
        return; // other evictors hold the rest; they loop until the size is within the bound
      }
      CacheEntry e = entries.get(host);
      if (e == null) {
        continue;
      }
      if (e.used && chances++ < MAX_SECOND_CHANCES && !expired(e, now)) {
        e.used = false;
        clock.offer(host);
      } else if (entries.remove(host, e)) {
        size.decrementAndGet();
        evictions.increment();
      } else {
        clock.offer(host); // replaced by a load meanwhile: keep it
      }
    }
  }

  private boolean expired(CacheEntry e, long now) {
    long overdue = now - e.loadedAt - e.ttl;
    return overdue >= Math.max(staleWhileRevalidate, staleIfError)
        && (e.failure == null || now - e.failedAt >= errorBackoff);
  }

  private static void complete(CompletableFuture<CacheHit> f, CacheHit hit, Throwable error) {
    if (error == null) {
      f.complete(hit);
    } else {
      f.completeExceptionally(unwrap(error));
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A cached answer and whether it is past its TTL. Immutable. */
  public static final class CacheHit {
    private final RegionAnswer answer;
    private final boolean stale;

    CacheHit(RegionAnswer answer, boolean stale) {
      this.answer = answer;
      this.stale = stale;
    }

    /**
     * The cached answer.
     *
     * @return the answer
     */
    public RegionAnswer answer() {
      return answer;
    }

    /**
     * Whether the answer is past its TTL (served while a refresh runs, or after an error).
     *
     * @return true if the answer is past its TTL
     */
    public boolean stale() {
      return stale;
    }

    @Override
    public String toString() {
      return "CacheHit[" + answer + (stale ? ", stale]" : ", fresh]");
    }
  }
}
