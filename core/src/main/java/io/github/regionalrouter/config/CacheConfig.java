package io.github.regionalrouter.config;

import io.github.regionalrouter.resolve.ResolverCache;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code "cache"} object inside {@code "discovery"} or {@code "resolver"}. Immutable.
 *
 * <pre>{@code
 * "cache": {"ttl": "30s", "negativeTtl": "5s", "maxEntries": 100000,
 *           "staleWhileRevalidate": "10s", "staleIfError": "5m", "errorBackoff": "1s"}
 * }</pre>
 *
 * <p>Every key is optional; settings not in the file are left to {@link ResolverCache#defaults()}
 * and their getters are empty. {@code "cache": false} turns caching off
 * ({@link RouterConfig#cache()} is then empty); no {@code "cache"} key means every default.
 */
public final class CacheConfig {
  private final Duration ttl;
  private final Duration negativeTtl;
  private final Integer maxEntries;
  private final Duration staleWhileRevalidate;
  private final Duration staleIfError;
  private final Duration errorBackoff;
  private final Origin origin;

  CacheConfig(Duration ttl, Duration negativeTtl, Integer maxEntries, Duration staleWhileRevalidate,
      Duration staleIfError, Duration errorBackoff, Origin origin) {
    this.ttl = ttl;
    this.negativeTtl = negativeTtl;
    this.maxEntries = maxEntries;
    this.staleWhileRevalidate = staleWhileRevalidate;
    this.staleIfError = staleIfError;
    this.errorBackoff = errorBackoff;
    this.origin = origin;
  }

  /**
   * The cache settings.
   *
   * @return a new {@link ResolverCache} with these settings over {@link ResolverCache#defaults()}
   * @throws ConfigException if {@link ResolverCache} rejects a value
   */
  public ResolverCache toResolverCache() {
    return origin.check(
        () -> {
          ResolverCache c = ttl != null ? ResolverCache.ofTtl(ttl) : ResolverCache.defaults();
          if (negativeTtl != null) {
            c = c.withNegativeTtl(negativeTtl);
          }
          if (maxEntries != null) {
            c = c.withMaxEntries(maxEntries);
          }
          if (staleWhileRevalidate != null) {
            c = c.withStaleWhileRevalidate(staleWhileRevalidate);
          }
          if (staleIfError != null) {
            c = c.withStaleIfError(staleIfError);
          }
          if (errorBackoff != null) {
            c = c.withErrorBackoff(errorBackoff);
          }
          return c;
        });
  }

  /**
   * {@code ttl}: how long a known region is fresh, if set (> 0).
   *
   * @return the fresh time of a known region; empty if the file does not set it
   */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /**
   * {@code negativeTtl}: how long an unknown host is fresh, if set.
   *
   * @return the fresh time of an unknown host; empty if the file does not set it
   */
  public Optional<Duration> negativeTtl() {
    return Optional.ofNullable(negativeTtl);
  }

  /**
   * {@code maxEntries}: the most hosts held, if set (>= 1).
   *
   * @return the entry limit; empty if the file does not set it
   */
  public OptionalInt maxEntries() {
    return maxEntries == null ? OptionalInt.empty() : OptionalInt.of(maxEntries);
  }

  /**
   * {@code staleWhileRevalidate}, if set; {@code 0s} turns it off.
   *
   * @return the stale-while-revalidate window; empty if the file does not set it
   */
  public Optional<Duration> staleWhileRevalidate() {
    return Optional.ofNullable(staleWhileRevalidate);
  }

  /**
   * {@code staleIfError}, if set; {@code 0s} turns it off.
   *
   * @return the stale-if-error window; empty if the file does not set it
   */
  public Optional<Duration> staleIfError() {
    return Optional.ofNullable(staleIfError);
  }

  /**
   * {@code errorBackoff}, if set; {@code 0s} turns it off.
   *
   * @return the wait after a failed lookup; empty if the file does not set it
   */
  public Optional<Duration> errorBackoff() {
    return Optional.ofNullable(errorBackoff);
  }

  @Override
  public String toString() {
    return "CacheConfig[ttl=" + ttl + ", negativeTtl=" + negativeTtl + ", maxEntries=" + maxEntries
        + ", staleWhileRevalidate=" + staleWhileRevalidate + ", staleIfError=" + staleIfError
        + ", errorBackoff=" + errorBackoff + "]";
  }
}
