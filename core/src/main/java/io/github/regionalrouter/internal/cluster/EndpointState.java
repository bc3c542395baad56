package io.github.regionalrouter.internal.cluster;

import io.github.regionalrouter.cluster.Endpoint;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counters one {@link ClusterRuntime} keeps for one of its endpoints: requests in flight,
 * consecutive failures, and the ejection (changed under this object's lock). Thread-safe.
 */
public final class EndpointState {
  final Endpoint endpoint;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  volatile long ejectedUntilNanos;
  volatile boolean ejected;

  EndpointState(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Whether the endpoint is ejected by outlier detection at {@code nowNanos}. */
  boolean isEjected(long nowNanos) {
    return ejected && nowNanos - ejectedUntilNanos < 0;
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
