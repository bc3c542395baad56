package io.github.regionalrouter.resolve;

import java.time.Duration;

/**
 * The settings of a cache around a {@link RegionResolver}; {@link #wrap} makes the
 * {@link CachingResolver}. Immutable: each setter returns a new instance.
 *
 * <p>TODO(helper B): implementation.
 */
public final class ResolverCache {
  private ResolverCache() {}

  /** A cache with every default: TTL 30 s, negative TTL 5 s, 100,000 entries. */
  public static ResolverCache defaults() {
    throw new UnsupportedOperationException("not yet");
  }

  /** A cache with every default but the TTL of known answers. */
  public static ResolverCache ttl(Duration ttl) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Wraps {@code resolver}. */
  public CachingResolver wrap(RegionResolver resolver) {
    throw new UnsupportedOperationException("not yet");
  }
}
