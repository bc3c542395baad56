package io.github.regionalrouter.route;

import java.util.Objects;

/**
 * Chooses the cluster a request goes to. Returns the cluster name, or {@code null} when the
 * request matches no cluster; the router then fails it with {@code cluster_not_found} (503 unless
 * configured otherwise). A name that no cluster has fails the same way.
 *
 * <p>Implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface RouteSelector {

  /**
   * The cluster name for this request, or {@code null} for none.
   *
   * @param context the request's routing context
   * @return the cluster name, or {@code null}
   */
  String select(RouteContext context);

  /**
   * The first value of header {@code name}, like Envoy's {@code route: {cluster_header: name}}.
   * With the routing header's name this is the resolved region. The default selector.
   *
   * @param name the header name; not null, not empty
   * @return a new selector
   * @throws IllegalArgumentException if {@code name} is empty
   */
  static RouteSelector byHeader(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name: \"\" (expected: a header name)");
    }
    return new RouteSelector() {
      @Override
      public String select(RouteContext context) {
        return context.header(name);
      }

      @Override
      public String toString() {
        return "byHeader(" + name + ")";
      }
    };
  }

  /**
   * Always {@code cluster}, whatever the region.
   *
   * @param cluster the cluster name; not null
   * @return a new selector
   */
  static RouteSelector fixed(String cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return new RouteSelector() {
      @Override
      public String select(RouteContext context) {
        return cluster;
      }

      @Override
      public String toString() {
        return "fixed(" + cluster + ")";
      }
    };
  }

  /**
   * Starts a route table: rules by domain and path prefix, the first match wins.
   *
   * @return a new route table builder
   */
  static RouteTable.Builder table() {
    return new RouteTable.Builder();
  }
}
