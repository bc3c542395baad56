package io.github.regionalrouter;

import io.github.regionalrouter.resolve.RegionAnswer;

/**
 * Receives routing events, for metrics and access logs. Every method has an empty default; a
 * listener overrides what it needs. Methods are called on the thread that made the event (an
 * adapter thread, the discovery client's thread, or the event loop that serves the standalone
 * proxy's connections and their upstream I/O, where a blocking listener would stall every
 * connection) and must be fast and must not throw or block.
 *
 * <p>{@link RouterStats} is the built-in listener that counts everything; every router has one.
 */
public interface RoutingListener {

  /**
   * A decision was made.
   *
   * @param decision the decision made
   */
  default void onDecision(RouteDecision decision) {}

  /**
   * Routing failed for {@code request}; the adapter answers {@code failure.status()}.
   *
   * @param request the request that could not be routed
   * @param failure why; its status is what the client gets
   */
  default void onRoutingFailure(InboundRequest request, RoutingException failure) {}

  /**
   * The region of {@code host} came from the cache; {@code stale} if past its TTL.
   *
   * @param host the normalized host
   * @param stale true if the cached region is past its TTL
   */
  default void onCacheHit(String host, boolean stale) {}

  /**
   * The region of {@code host} was not cached and had to be resolved.
   *
   * @param host the normalized host
   */
  default void onCacheMiss(String host) {}

  /**
   * The resolver was called for {@code host} (a cache miss or a refresh; with single-flight, once
   * for many waiting requests) and finished after {@code nanos}: with {@code answer}, or with
   * {@code failure} (then {@code answer} is {@code null}).
   *
   * @param host the normalized host resolved
   * @param answer the resolver's answer, or {@code null} if it failed
   * @param failure the resolver's failure, or {@code null} if it answered
   * @param nanos how long the call took, in nanoseconds
   */
  default void onResolverCall(String host, RegionAnswer answer, Throwable failure, long nanos) {}

  /**
   * Resolution failed or answered unknown, and the fallback region was used.
   *
   * @param host the normalized host
   * @param cause the resolver's failure, or {@code null} if it answered unknown
   */
  default void onFallback(String host, Throwable cause) {}

  /**
   * A forwarded request finished: the upstream answered {@code status} (or the router answered it
   * for a failure), after {@code nanos} nanoseconds.
   *
   * @param decision the decision the request was forwarded by
   * @param status the HTTP status sent to the client
   * @param nanos how long the forwarded request took, in nanoseconds
   */
  default void onForwarded(RouteDecision decision, int status, long nanos) {}

  /**
   * Forwarding {@code decision}'s request failed with {@code failure}.
   *
   * @param decision the decision the request was forwarded by
   * @param failure why forwarding failed; its status is what the client gets
   */
  default void onUpstreamFailure(RouteDecision decision, RoutingException failure) {}
}
