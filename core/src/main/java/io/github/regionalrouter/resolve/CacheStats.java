package io.github.regionalrouter.resolve;

/**
 * A snapshot of a {@link CachingResolver}'s counters since it was made.
 *
 * @param hits answers served fresh from the cache
 * @param staleHits answers served past their TTL (stale-while-revalidate or stale-if-error)
 * @param misses lookups that found no usable entry and had to wait for the resolver
 * @param loads calls made to the wrapped resolver (after single-flight: one per host per miss)
 * @param loadFailures calls to the wrapped resolver that failed
 * @param evictions entries removed to keep the cache within its bound
 * @param size entries in the cache now
 */
public record CacheStats(
    long hits, long staleHits, long misses, long loads, long loadFailures, long evictions, long size) {}
