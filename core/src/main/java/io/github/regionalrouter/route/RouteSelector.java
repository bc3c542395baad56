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

  /** The cluster name for this request, or {@code null} for none. */
  String select(RouteContext context);

  /**
   * The first value of header {@code name}, like Envoy's {@code route: {cluster_header: name}}.
   * With the routing header's name this is the resolved region. The default selector.
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

  /** Always {@code cluster}, whatever the region. */
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

  /** Starts a route table: rules by domain and path prefix, the first match wins. */
  static RouteTable.Builder table() {
    return new RouteTable.Builder();
  }
}
