package io.github.regionalrouter.resolve;

import io.github.regionalrouter.resolve.CachingResolver.CacheHit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One host's entry in a {@link CachingResolver}: its answer or its last failure. Immutable but for
 * two flags that are racy by design.
 */
final class CacheEntry {
  private static final VarHandle REFRESHING;

  static {
    try {
      REFRESHING =
          MethodHandles.lookup().findVarHandle(CacheEntry.class, "refreshing", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final RegionAnswer answer; // null: only a failure is known
  final long loadedAt;
  final long ttl;
  // Made once per answer so that peek() allocates nothing.
  final CacheHit fresh;
  final CacheHit stale;
  final Throwable failure; // the last refresh failed with this, or null
  final long failedAt;

  volatile boolean refreshing;
  // Set by peek, cleared by eviction; a plain field since a lost update only misguides eviction.
  boolean used;

  CacheEntry(RegionAnswer answer, long loadedAt, long ttl, CacheEntry previous) {
    this(answer, loadedAt, ttl, previous, null, 0);
  }

  private CacheEntry(
      RegionAnswer answer,
      long loadedAt,
      long ttl,
      CacheEntry previous,
      Throwable failure,
      long at) {
    this.answer = answer;
    this.loadedAt = loadedAt;
    this.ttl = ttl;
    boolean same = previous != null && answer != null && answer.equals(previous.answer);
    this.fresh = answer == null ? null : same ? previous.fresh : new CacheHit(answer, false);
    this.stale = answer == null ? null : same ? previous.stale : new CacheHit(answer, true);
    this.failure = failure;
    this.failedAt = at;
  }

  /** This answer, as old as it is, marked with a failed refresh (which resets the guard). */
  CacheEntry failed(Throwable cause, long at) {
    return new CacheEntry(answer, loadedAt, ttl, this, cause, at);
  }

  /** Whether the caller won the right to start this entry's one background refresh. */
  boolean startRefresh() {
    return !refreshing && REFRESHING.compareAndSet(this, false, true);
  }
}
