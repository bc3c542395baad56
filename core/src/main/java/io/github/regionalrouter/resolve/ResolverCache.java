package io.github.regionalrouter.resolve;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a cache around a {@link RegionResolver}; {@link #wrap} makes the
 * {@link CachingResolver}. Immutable and thread-safe: each setter validates its argument at once
 * and returns a new instance, so one instance may wrap any number of resolvers. Names follow
 * {@code java.time}: static factories {@code defaults()} and {@code ofTtl(…)}, withers
 * {@code withX(…)} returning a copy, getters {@code x()}.
 *
 * <pre>{@code
 * CachingResolver cached = ResolverCache.ofTtl(Duration.ofSeconds(30))
 *     .withMaxEntries(100_000)
 *     .withStaleIfError(Duration.ofMinutes(5))
 *     .wrap(discovery);
 * }</pre>
 *
 * <p>How an answer ages, measured from when the wrapped resolver answered:
 *
 * <ol>
 *   <li>until the {@linkplain #withTtl TTL} ({@linkplain #withNegativeTtl negative TTL} for an
 *       {@linkplain RegionAnswer#unknown() unknown} answer) it is fresh and served as is;
 *   <li>for the {@linkplain #withStaleWhileRevalidate stale-while-revalidate} window after that it is
 *       still served, marked stale, while one background refresh runs;
 *   <li>later, a lookup waits for the resolver; if the resolver fails, the old answer is served,
 *       marked stale, until TTL + {@linkplain #withStaleIfError stale-if-error};
 *   <li>after a failed lookup with nothing to serve, lookups of that host fail at once, without
 *       calling the resolver, for the {@linkplain #withErrorBackoff error backoff}.
 * </ol>
 *
 * <p>The cache holds at most {@linkplain #withMaxEntries maxEntries} hosts.
 */
public final class ResolverCache {
  private static final Ticker SYSTEM_TICKER = Ticker.system();
  private static final ResolverCache DEFAULTS =
      new ResolverCache(
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          100_000,
          Duration.ofSeconds(10),
          Duration.ofMinutes(5),
          Duration.ofSeconds(1),
          SYSTEM_TICKER);

  private final Duration ttl;
  private final Duration negativeTtl;
  private final int maxEntries;
  private final Duration staleWhileRevalidate;
  private final Duration staleIfError;
  private final Duration errorBackoff;
  private final Ticker ticker;

  private ResolverCache(
      Duration ttl,
      Duration negativeTtl,
      int maxEntries,
      Duration staleWhileRevalidate,
      Duration staleIfError,
      Duration errorBackoff,
      Ticker ticker) {
    this.ttl = ttl;
    this.negativeTtl = negativeTtl;
    this.maxEntries = maxEntries;
    this.staleWhileRevalidate = staleWhileRevalidate;
    this.staleIfError = staleIfError;
    this.errorBackoff = errorBackoff;
    this.ticker = ticker;
  }

  /**
   * A cache with every default: TTL 30 s, negative TTL 5 s, 100,000 entries, stale-while-revalidate
   * 10 s, stale-if-error 5 min, error backoff 1 s, the system ticker.
   *
   * @return the default settings
   */
  public static ResolverCache defaults() {
    return DEFAULTS;
  }

  /**
   * A cache with every default but the TTL of known answers; the same as
   * {@code defaults().withTtl(ttl)}.
   *
   * @param ttl the TTL of answers naming a region; not null, positive
   * @return new settings
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public static ResolverCache ofTtl(Duration ttl) {
    return DEFAULTS.withTtl(ttl);
  }

  /**
   * How long an answer naming a region is fresh; 30 seconds unless set.
   *
   * @param ttl the TTL of answers naming a region; not null, positive
   * @return new settings with that TTL, the rest as in these
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public ResolverCache withTtl(Duration ttl) {
    return new ResolverCache(
        positive("ttl", ttl),
        negativeTtl,
        maxEntries,
        staleWhileRevalidate,
        staleIfError,
        errorBackoff,
        ticker);
  }

  /**
   * How long an {@linkplain RegionAnswer#unknown() unknown} answer is fresh; 5 seconds unless set.
   * Shorter than the TTL so that a host that just got a region is found soon. Zero means an unknown
   * answer is never fresh (the stale windows still apply to it).
   *
   * @param negativeTtl the TTL of unknown answers; not null, zero or more
   * @return new settings with that negative TTL, the rest as in these
   * @throws IllegalArgumentException if {@code negativeTtl} is negative
   */
  public ResolverCache withNegativeTtl(Duration negativeTtl) {
    return new ResolverCache(
        ttl,
        notNegative("negativeTtl", negativeTtl),
        maxEntries,
        staleWhileRevalidate,
        staleIfError,
        errorBackoff,
        ticker);
  }

  /**
   * The most hosts the cache holds; 100,000 unless set. When a new host would exceed it, an entry
   * is evicted: an expired one, or one not used since the eviction scan last passed it
   * (approximately least recently used). Under concurrent inserts the size may exceed the bound
   * by at most the number of threads inserting at that moment, until they finish.
   *
   * @param maxEntries the most hosts held; at least 1
   * @return new settings with that bound, the rest as in these
   * @throws IllegalArgumentException if {@code maxEntries} is less than 1
   */
  public ResolverCache withMaxEntries(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 1)");
    }
    return new ResolverCache(
        ttl,
        negativeTtl,
        maxEntries,
        staleWhileRevalidate,
        staleIfError,
        errorBackoff,
        ticker);
  }

  /**
   * How long after its TTL an answer is still served at once, marked stale, while one background
   * refresh runs (started by the first lookup that sees it stale); 10 seconds unless set. Zero
   * turns this off: a lookup after the TTL waits for the resolver.
   *
   * @param window the window after the TTL; not null, zero or more
   * @return new settings with that window, the rest as in these
   * @throws IllegalArgumentException if {@code window} is negative
   */
  public ResolverCache withStaleWhileRevalidate(Duration window) {
    return new ResolverCache(
        ttl,
        negativeTtl,
        maxEntries,
        notNegative("staleWhileRevalidate", window),
        staleIfError,
        errorBackoff,
        ticker);
  }

  /**
   * How long after its TTL an answer is still served, marked stale, when refreshing it fails; 5
   * minutes unless set. Zero turns this off: a failed refresh fails the lookup.
   *
   * @param window the window after the TTL; not null, zero or more
   * @return new settings with that window, the rest as in these
   * @throws IllegalArgumentException if {@code window} is negative
   */
  public ResolverCache withStaleIfError(Duration window) {
    return new ResolverCache(
        ttl,
        negativeTtl,
        maxEntries,
        staleWhileRevalidate,
        notNegative("staleIfError", window),
        errorBackoff,
        ticker);
  }

  /**
   * After a failed call to the resolver, how long lookups of that host do not call it again: they
   * are answered from the stale answer if stale-if-error allows, or fail at once with the same
   * cause. Keeps a dead discovery service from being hammered. 1 second unless set; zero turns it
   * off.
   *
   * @param backoff the backoff; not null, zero or more
   * @return new settings with that backoff, the rest as in these
   * @throws IllegalArgumentException if {@code backoff} is negative
   */
  public ResolverCache withErrorBackoff(Duration backoff) {
    return new ResolverCache(
        ttl,
        negativeTtl,
        maxEntries,
        staleWhileRevalidate,
        staleIfError,
        notNegative("errorBackoff", backoff),
        ticker);
  }

  /**
   * The source of time for every expiry; {@link Ticker#system()} unless set. Tests pass a fake
   * ticker so that they need not sleep.
   *
   * @param ticker the time source; not null
   * @return new settings with that ticker, the rest as in these
   */
  public ResolverCache withTicker(Ticker ticker) {
    return new ResolverCache(
        ttl,
        negativeTtl,
        maxEntries,
        staleWhileRevalidate,
        staleIfError,
        errorBackoff,
        Objects.requireNonNull(ticker, "ticker"));
  }

  /**
   * The TTL of answers naming a region.
   *
   * @return the TTL; positive
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * The TTL of unknown answers.
   *
   * @return the negative TTL; zero or more
   */
  public Duration negativeTtl() {
    return negativeTtl;
  }

  /**
   * The most hosts the cache holds.
   *
   * @return the entry bound; at least 1
   */
  public int maxEntries() {
    return maxEntries;
  }

  /**
   * The stale-while-revalidate window after the TTL.
   *
   * @return the window; zero when off
   */
  public Duration staleWhileRevalidate() {
    return staleWhileRevalidate;
  }

  /**
   * The stale-if-error window after the TTL.
   *
   * @return the window; zero when off
   */
  public Duration staleIfError() {
    return staleIfError;
  }

  /**
   * How long a failed lookup keeps the resolver from being called again for that host.
   *
   * @return the backoff; zero when off
   */
  public Duration errorBackoff() {
    return errorBackoff;
  }

  /**
   * The source of time.
   *
   * @return the ticker
   */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * Wraps {@code resolver} in a new, empty cache with these settings. Each call makes a separate
   * cache.
   *
   * @param resolver the resolver to cache the answers of; not null
   * @return a new caching resolver
   */
  public CachingResolver wrap(RegionResolver resolver) {
    return new CachingResolver(this, Objects.requireNonNull(resolver, "resolver"));
  }

  /** Every setting, for a config dump, e.g. {@code ResolverCache[ttl=PT30S, ...]}. */
  @Override
  public String toString() {
    return "ResolverCache[ttl="
        + ttl
        + ", negativeTtl="
        + negativeTtl
        + ", maxEntries="
        + maxEntries
        + ", staleWhileRevalidate="
        + staleWhileRevalidate
        + ", staleIfError="
        + staleIfError
        + ", errorBackoff="
        + errorBackoff
        + ", ticker="
        + (ticker == SYSTEM_TICKER ? "system" : ticker.toString())
        + "]";
  }

  /**
   * Nanoseconds of {@code d}, saturated at a quarter of {@code Long.MAX_VALUE} (73 years) so that a
   * TTL plus a window never overflows.
   */
  static long nanos(Duration d) {
    long max = Long.MAX_VALUE / 4;
    return d.compareTo(Duration.ofNanos(max)) >= 0 ? max : d.toNanos();
  }

  private static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  private static Duration notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
    }
    return d;
  }
}
