package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RegionResolver} that caches another's answers. Made by {@link ResolverCache#wrap}.
 *
 * <p>TODO(helper B): implementation.
 */
public final class CachingResolver implements RegionResolver {
  private CachingResolver() {}

  /**
   * The answer to use now without waiting, or {@code null} when the caller must call
   * {@link #resolve}. Returns a fresh answer, or a stale one within the stale-while-revalidate
   * window (and then starts one background refresh). Allocates nothing on a hit.
   */
  public CacheHit peek(String host, InboundRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Like {@link #resolve}, but says whether the answer is stale (served under stale-if-error after
   * the refresh failed). Completes exceptionally only when there is no answer to serve.
   */
  public CompletionStage<CacheHit> lookup(String host, InboundRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  /** A snapshot of the counters (hits, stale hits, misses, loads, failures, evictions, size). */
  public CacheStats stats() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  /** A cached answer and whether it is past its TTL. Immutable. */
  public static final class CacheHit {
    private final RegionAnswer answer;
    private final boolean stale;

    CacheHit(RegionAnswer answer, boolean stale) {
      this.answer = answer;
      this.stale = stale;
    }

    /** The cached answer. */
    public RegionAnswer answer() {
      return answer;
    }

    /** Whether the answer is past its TTL (served while a refresh runs, or after an error). */
    public boolean stale() {
      return stale;
    }
  }
}
