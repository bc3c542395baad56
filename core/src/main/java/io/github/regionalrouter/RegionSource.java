package io.github.regionalrouter;

/** Where the region of a {@link RouteDecision} came from. */
public enum RegionSource {
  /** A fresh cached answer. */
  CACHE,
  /** A cached answer past its TTL (stale-while-revalidate, or stale-if-error). */
  STALE,
  /** An answer the resolver gave for this request (a cache miss). */
  RESOLVER,
  /** The configured fallback region: the resolver failed, or answered unknown. */
  FALLBACK,
  /** No region: the resolver answered unknown and there is no fallback region. */
  NONE
}
