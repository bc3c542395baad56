package io.github.regionalrouter;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.Paths;
import io.github.regionalrouter.route.RouteContext;
import java.util.Map;

/**
 * Where one request goes, and the header edits to make on the way: the outcome of
 * {@link RegionalRouter#decide}. A gateway that forwards requests itself applies the edits:
 *
 * <ol>
 *   <li>remove every header named {@link #routingHeader()} (any case) that the client sent;
 *   <li>if {@link #region()} is not {@code null}, set {@link #routingHeader()} to it;
 *   <li>send the request to {@link #endpoint()} of {@link #cluster()};
 *   <li>add {@link #responseHeaders()} to the response.
 * </ol>
 *
 * Immutable once the stage that delivers it completes.
 */
public final class RouteDecision implements RouteContext {
  private final InboundRequest request;
  private final String host;
  private final String region;
  private final RegionSource regionSource;
  private final RouterSettings settings;
  private Cluster cluster;
  private Endpoint endpoint;

  RouteDecision(
      InboundRequest request,
      String host,
      String region,
      RegionSource regionSource,
      RouterSettings settings) {
    this.request = request;
    this.host = host;
    this.region = region;
    this.regionSource = regionSource;
    this.settings = settings;
  }

  void target(Cluster cluster, Endpoint endpoint) {
    this.cluster = cluster;
    this.endpoint = endpoint;
  }

  /** The request this decision is for. */
  @Override
  public InboundRequest request() {
    return request;
  }

  /** The validated, normalized host the region was resolved for. */
  @Override
  public String host() {
    return host;
  }

  /**
   * The region, written into the routing header upstream; {@code null} when the resolver answered
   * unknown, there is no fallback region, and the route did not need one.
   */
  @Override
  public String region() {
    return region;
  }

  /**
   * Where {@link #region()} came from.
   *
   * @return the source of the region
   */
  public RegionSource regionSource() {
    return regionSource;
  }

  /**
   * The name of the routing header, e.g. {@code region}.
   *
   * @return the routing header's name
   */
  public String routingHeader() {
    return settings.routingHeader;
  }

  /**
   * Whether {@code name} is the routing header (compared ignoring case).
   *
   * @param name a header name, any case
   * @return true if {@code name} equals the routing header's name ignoring case
   */
  public boolean isRoutingHeader(String name) {
    return settings.routingHeader.equalsIgnoreCase(name);
  }

  /**
   * The definition of the cluster chosen; its live state is
   * {@code router.clusters().get(cluster().name())}.
   *
   * @return the cluster chosen
   */
  public Cluster cluster() {
    return cluster;
  }

  /**
   * The endpoint of {@link #cluster()} chosen by its load balancer.
   *
   * @return the endpoint chosen
   */
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Headers to add to the response, e.g. {@code Processed-By: Regional Router}; in order.
   *
   * @return the response headers (name to value), in order
   */
  public Map<String, String> responseHeaders() {
    return settings.responseHeaders;
  }

  /**
   * The path of the request-target, without query, in the form route rules match: dot segments
   * removed, unreserved percent-encodings decoded, {@code ;} parameters cut, {@code //} merged
   * (see {@link RouteContext#path()}). What goes upstream is the target as received.
   */
  @Override
  public String path() {
    return Paths.normalize(Targets.path(request.target()));
  }

  /** A header as it will be forwarded: the routing header is {@link #region()}. */
  @Override
  public String header(String name) {
    if (settings.routingHeader.equalsIgnoreCase(name)) {
      return region;
    }
    return request.header(name);
  }

  @Override
  public String toString() {
    return "RouteDecision[host=" + host + ", region=" + region + " (" + regionSource + "), cluster="
        + (cluster == null ? null : cluster.name()) + ", endpoint=" + endpoint + "]";
  }
}
