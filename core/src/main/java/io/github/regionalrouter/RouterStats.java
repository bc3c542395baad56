package io.github.regionalrouter;

import io.github.regionalrouter.resolve.RegionAnswer;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in counters of a router, fed as a {@link RoutingListener}. Counting allocates nothing
 * once a cluster has been seen. Thread-safe; read with {@link #snapshot()}.
 */
public final class RouterStats implements RoutingListener {
  private final LongAdder decisions = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder cacheStaleHits = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder resolverCalls = new LongAdder();
  private final LongAdder resolverFailures = new LongAdder();
  private final LongAdder resolverUnknown = new LongAdder();
  private final LongAdder resolverNanos = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private final Map<FailureReason, LongAdder> failures = new EnumMap<>(FailureReason.class);
  private final ConcurrentHashMap<String, LongAdder> byCluster = new ConcurrentHashMap<>();
  private final LongAdder[] byStatus = new LongAdder[600];

  /** Creates zeroed counters. */
  public RouterStats() {
    for (FailureReason r : FailureReason.values()) {
      failures.put(r, new LongAdder());
    }
    for (int i = 100; i < byStatus.length; i++) {
      byStatus[i] = new LongAdder();
    }
  }

  @Override
  public void onDecision(RouteDecision decision) {
    decisions.increment();
    LongAdder c = byCluster.get(decision.cluster().name());
    if (c == null) {
      c = byCluster.computeIfAbsent(decision.cluster().name(), k -> new LongAdder());
    }
    c.increment();
  }

  @Override
  public void onRoutingFailure(InboundRequest request, RoutingException failure) {
    failures.get(failure.reason()).increment();
  }

  @Override
  public void onUpstreamFailure(RouteDecision decision, RoutingException failure) {
    failures.get(failure.reason()).increment();
  }

  @Override
  public void onCacheHit(String host, boolean stale) {
    (stale ? cacheStaleHits : cacheHits).increment();
  }

  @Override
  public void onCacheMiss(String host) {
    cacheMisses.increment();
  }

  @Override
  public void onResolverCall(String host, RegionAnswer answer, Throwable failure, long nanos) {
    resolverCalls.increment();
    resolverNanos.add(nanos);
    if (failure != null) {
      resolverFailures.increment();
    } else if (answer != null && !answer.isKnown()) {
      resolverUnknown.increment();
    }
  }

  /**
   * Calls made to the resolver (discovery calls, for the HTTP resolver).
   *
   * @return the number of resolver calls
   */
  public long resolverCalls() {
    return resolverCalls.sum();
  }

  /**
   * Resolver calls that failed.
   *
   * @return the number of failed resolver calls
   */
  public long resolverFailures() {
    return resolverFailures.sum();
  }

  @Override
  public void onFallback(String host, Throwable cause) {
    fallbacks.increment();
  }

  /**
   * Counts a response sent to a client with {@code status}.
   *
   * @param status the HTTP status; values outside 100-599 are not counted
   */
  public void recordStatus(int status) {
    if (status >= 100 && status < 600) {
      byStatus[status].increment();
    }
  }

  /** Counts a request entering the proxy; pair with {@link #requestFinished()}. */
  public void requestStarted() {
    requests.increment();
    inFlight.increment();
  }

  /** Counts a request leaving the proxy. */
  public void requestFinished() {
    inFlight.decrement();
  }

  /**
   * Requests in the proxy now.
   *
   * @return the number of requests started and not yet finished
   */
  public long inFlight() {
    return inFlight.sum();
  }

  /**
   * Decisions made.
   *
   * @return the number of decisions
   */
  public long decisions() {
    return decisions.sum();
  }

  /**
   * Failures counted for {@code reason}.
   *
   * @param reason the failure reason
   * @return the number of failures with {@code reason}
   */
  public long failures(FailureReason reason) {
    return failures.get(reason).sum();
  }

  /**
   * Fresh cache hits.
   *
   * @return the number of fresh cache hits
   */
  public long cacheHits() {
    return cacheHits.sum();
  }

  /**
   * Stale cache hits.
   *
   * @return the number of stale cache hits
   */
  public long cacheStaleHits() {
    return cacheStaleHits.sum();
  }

  /**
   * Cache misses.
   *
   * @return the number of cache misses
   */
  public long cacheMisses() {
    return cacheMisses.sum();
  }

  /**
   * Times the fallback region was used.
   *
   * @return the number of fallbacks
   */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /**
   * Responses sent with {@code status}.
   *
   * @param status the HTTP status
   * @return the number of responses with {@code status}; 0 outside 100-599
   */
  public long responses(int status) {
    return status >= 100 && status < 600 ? byStatus[status].sum() : 0;
  }

  /**
   * The counters as nested maps of names to numbers, ready to print as JSON: {@code requests},
   * {@code inFlight}, {@code decisions}, {@code fallbacks}, {@code cache} (hits, stale, misses),
   * {@code failures} (by reason code), {@code clusters} (decisions by cluster), {@code status}
   * (responses by status).
   *
   * @return a new mutable map of the counters now
   */
  public Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", requests.sum());
    m.put("inFlight", inFlight.sum());
    m.put("decisions", decisions.sum());
    m.put("fallbacks", fallbacks.sum());
    Map<String, Object> cache = new LinkedHashMap<>();
    cache.put("hits", cacheHits.sum());
    cache.put("stale", cacheStaleHits.sum());
    cache.put("misses", cacheMisses.sum());
    m.put("cache", cache);
    Map<String, Object> discovery = new LinkedHashMap<>();
    long calls = resolverCalls.sum();
    discovery.put("calls", calls);
    discovery.put("failures", resolverFailures.sum());
    discovery.put("unknown", resolverUnknown.sum());
    discovery.put("meanMillis", calls == 0 ? 0.0 : resolverNanos.sum() / 1e6 / calls);
    m.put("discovery", discovery);
    Map<String, Object> f = new LinkedHashMap<>();
    failures.forEach((r, n) -> f.put(r.code(), n.sum()));
    m.put("failures", f);
    Map<String, Object> clusters = new TreeMap<>();
    byCluster.forEach((k, v) -> clusters.put(k, v.sum()));
    m.put("clusters", clusters);
    Map<String, Object> status = new TreeMap<>();
    for (int i = 100; i < byStatus.length; i++) {
      long n = byStatus[i].sum();
      if (n != 0) {
        status.put(Integer.toString(i), n);
      }
    }
    m.put("status", status);
    return m;
  }
}
