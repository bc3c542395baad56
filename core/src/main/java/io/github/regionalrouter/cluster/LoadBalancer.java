package io.github.regionalrouter.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint of a cluster for one request. Implementations are thread-safe and may keep
 * state (a counter); each cluster gets its own instance.
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
  Endpoint pick(List<Endpoint> endpoints, long nowNanos);

  /**
   * Each endpoint in turn, skipping ejected ones. The default.
   *
   * @return a new round-robin balancer
   */
  static LoadBalancer roundRobin() {
    AtomicInteger next = new AtomicInteger();
    return new LoadBalancer() {
      @Override
      public Endpoint pick(List<Endpoint> endpoints, long nowNanos) {
        int n = endpoints.size();
        if (n == 1) {
          Endpoint only = endpoints.get(0);
          return only.isEjected(nowNanos) ? null : only;
        }
        int start = next.getAndIncrement();
        for (int i = 0; i < n; i++) {
          Endpoint e = endpoints.get(Math.floorMod(start + i, n));
          if (!e.isEjected(nowNanos)) {
            return e;
          }
        }
        return null;
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
      public Endpoint pick(List<Endpoint> endpoints, long nowNanos) {
        int n = endpoints.size();
        if (n == 1) {
          Endpoint only = endpoints.get(0);
          return only.isEjected(nowNanos) ? null : only;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Endpoint a = endpoints.get(random.nextInt(n));
        Endpoint b = endpoints.get(random.nextInt(n));
        if (a.isEjected(nowNanos)) {
          a = null;
        }
        if (b.isEjected(nowNanos)) {
          b = null;
        }
        if (a == null && b == null) {
          int start = random.nextInt(n);
          for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get((start + i) % n);
            if (!e.isEjected(nowNanos)) {
              return e;
            }
          }
          return null;
        }
        if (a == null) {
          return b;
        }
        if (b == null) {
          return a;
        }
        return b.inFlight() < a.inFlight() ? b : a;
      }

      @Override
      public String toString() {
        return "least_request";
      }
    };
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
