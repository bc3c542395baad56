package io.github.regionalrouter.resolve;

/**
 * A snapshot of a {@link CachingResolver}'s counters since it was made.
 *
 * <p>Every {@code peek}, {@code lookup} and {@code resolve} counts once, as a hit, a stale hit or a
 * miss ({@code peek} counts nothing when it returns {@code null}).
 *
 * @param hits answers served fresh from the cache
 * @param staleHits answers served at once past their TTL (stale-while-revalidate)
 * @param misses lookups the cache could not answer at once: they waited for the resolver (and may
 *     then have been served stale under stale-if-error), or were answered from an error backoff
 * @param loads calls made to the wrapped resolver (after single-flight: one per host at a time)
 * @param loadFailures calls to the wrapped resolver that failed (including those that threw)
 * @param evictions entries removed to keep the cache within its bound
 * @param size entries in the cache now (hosts with an answer, or with a failure in backoff)
 */
public record CacheStats(
    long hits, long staleHits, long misses, long loads, long loadFailures, long evictions, long size) {}
