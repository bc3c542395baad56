package io.github.regionalrouter.config;

import io.github.regionalrouter.route.RouteSelector;
import java.util.Optional;

/**
 * One entry of {@code "routes"}: requests whose host matches {@code domain} and whose path starts
 * with {@code pathPrefix} go to {@code cluster}, or to the cluster named by header {@code header}.
 * Immutable.
 *
 * <pre>{@code
 * {"domain": "*.example.com", "pathPrefix": "/api", "cluster": "us_east1"}
 * {"domain": "*", "header": "region"}
 * }</pre>
 *
 * <p>{@code domain} is {@code *} and {@code pathPrefix} is {@code /} unless set; exactly one of
 * {@code cluster} and {@code header} is required.
 */
public final class RouteConfig {
  private final String domain;
  private final String pathPrefix;
  private final String cluster;
  private final String header;

  RouteConfig(String domain, String pathPrefix, String cluster, String header) {
    this.domain = domain;
    this.pathPrefix = pathPrefix;
    this.cluster = cluster;
    this.header = header;
  }

  /**
   * {@code domain}: an exact host, {@code *.suffix} or {@code *}.
   *
   * @return the host pattern
   */
  public String domain() {
    return domain;
  }

  /**
   * {@code pathPrefix}: a path starting with {@code /}.
   *
   * @return the path prefix
   */
  public String pathPrefix() {
    return pathPrefix;
  }

  /**
   * {@code cluster}: the cluster matching requests go to, if the route names one.
   *
   * @return the target cluster's name; empty when the route uses a header
   */
  public Optional<String> cluster() {
    return Optional.ofNullable(cluster);
  }

  /**
   * {@code header}: the header naming the cluster, if the route names one.
   *
   * @return the routing header's name; empty when the route names a cluster
   */
  public Optional<String> header() {
    return Optional.ofNullable(header);
  }

  /** The selector this route uses when it matches. */
  RouteSelector target() {
    return cluster != null ? RouteSelector.fixed(cluster) : RouteSelector.byHeader(header);
  }

  @Override
  public String toString() {
    return domain + pathPrefix + " -> " + (cluster != null ? cluster : "header " + header);
  }
}
