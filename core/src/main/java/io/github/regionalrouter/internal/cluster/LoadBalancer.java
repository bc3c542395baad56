package io.github.regionalrouter.internal.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint of a cluster for one request. Implementations are thread-safe and may keep
 * state (a counter); each {@link ClusterRuntime} gets its own instance. Chosen by name in a
 * {@link io.github.regionalrouter.cluster.Cluster} definition, not a user extension point.
 */
@FunctionalInterface
public interface LoadBalancer {

  /**
   * Picks an endpoint that is not ejected at {@code nowNanos}, or {@code null} if all are.
   *
   * @param endpoints the cluster's endpoints, never empty
   * @param nowNanos the time to judge ejection at, read from the cluster's
   *     {@link io.github.regionalrouter.resolve.Ticker}, in nanoseconds
   * @return the endpoint chosen, or {@code null}
   */
  EndpointState pick(List<EndpointState> endpoints, long nowNanos);

  /**
   * Each endpoint in turn, skipping ejected ones. The default.
   *
   * @return a new round-robin balancer
   */
  static LoadBalancer roundRobin() {
    AtomicInteger next = new AtomicInteger();
    return new LoadBalancer() {
      @Override
      public EndpointState pick(List<EndpointState> endpoints, long nowNanos) {
        // one endpoint: no need to touch the shared counter
        return firstAvailable(endpoints, endpoints.size() == 1 ? 0 : next.getAndIncrement(), nowNanos);
      }

      @Override
      public String toString() {
        return "round_robin";
      }
    };
  }

  /**
   * The less loaded of two endpoints drawn at random (power of two choices): fewer requests in
   * flight wins.
   *
   * @return a new least-request balancer
   */
  static LoadBalancer leastRequest() {
    return new LoadBalancer() {
      @Override
      public EndpointState pick(List<EndpointState> endpoints, long nowNanos) {
        int n = endpoints.size();
        if (n == 1) {
          return firstAvailable(endpoints, 0, nowNanos);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        EndpointState a = endpoints.get(random.nextInt(n));
        EndpointState b = endpoints.get(random.nextInt(n));
        if (a.isEjected(nowNanos)) {
          a = null;
        }
        if (b.isEjected(nowNanos)) {
          b = null;
        }
        if (a == null && b == null) {
          return firstAvailable(endpoints, random.nextInt(n), nowNanos);
        }
        if (a == null) {
          return b;
        }
        if (b == null) {
          return a;
        }
        return b.inFlight.get() < a.inFlight.get() ? b : a;
      }

      @Override
      public String toString() {
        return "least_request";
      }
    };
  }

  /**
   * The first endpoint not ejected at {@code nowNanos}, looking from index {@code start} (taken
   * modulo the size) on and wrapping around, or {@code null} if all are.
   */
  private static EndpointState firstAvailable(List<EndpointState> endpoints, int start, long nowNanos) {
    int n = endpoints.size();
    for (int i = 0; i < n; i++) {
      EndpointState e = endpoints.get(Math.floorMod(start + i, n));
      if (!e.isEjected(nowNanos)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The balancer named {@code name} in config files: {@code round_robin} or {@code least_request}.
   *
   * @param name the policy name
   * @return a new balancer of that policy
   * @throws IllegalArgumentException for any other name
   */
  static LoadBalancer named(String name) {
    switch (name) {
      case "round_robin":
        return roundRobin();
      case "least_request":
        return leastRequest();
      default:
        throw new IllegalArgumentException(
            "loadBalancer: \"" + name + "\" (expected: round_robin or least_request)");
    }
  }
}
