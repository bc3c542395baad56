package io.github.regionalrouter;

/**
 * Why a request could not be routed or forwarded. Each reason has a stable {@linkplain #code() code}
 * (sent in the {@code X-Router-Error} response header and used as a metrics label) and the HTTP
 * status an adapter answers with by default.
 */
public enum FailureReason {
  /** The request is malformed: missing, repeated or invalid Host, forbidden bytes in a header. */
  INVALID_REQUEST("invalid_request", 400),
  /** Discovery failed or timed out and there was neither a stale answer nor a fallback region. */
  DISCOVERY_UNAVAILABLE("discovery_unavailable", 503),
  /**
   * No cluster matches: the route gave no cluster name, or the name is not registered. The status
   * is configurable ({@code clusterNotFoundStatus}: 503 by default, 404 or 500).
   */
  CLUSTER_NOT_FOUND("cluster_not_found", 503),
  /** The cluster has no endpoint that may take the request (all ejected). */
  NO_HEALTHY_ENDPOINT("no_healthy_endpoint", 503),
  /** The cluster is at its limit of concurrent requests. */
  CLUSTER_OVERLOADED("cluster_overloaded", 503),
  /** The endpoint refused the connection, could not be reached, or closed it before answering. */
  UPSTREAM_UNREACHABLE("upstream_unreachable", 502),
  /** The endpoint answered with something that is not valid HTTP, or with forbidden headers. */
  UPSTREAM_PROTOCOL_ERROR("upstream_protocol_error", 502),
  /** Connecting to the endpoint, or waiting for its answer, took longer than the cluster allows. */
  UPSTREAM_TIMEOUT("upstream_timeout", 504),
  /** The proxy is shutting down and takes no new requests. */
  DRAINING("draining", 503);

  private final String code;
  private final int defaultStatus;

  FailureReason(String code, int defaultStatus) {
    this.code = code;
    this.defaultStatus = defaultStatus;
  }

  /**
   * The stable, lower-case code of this reason, e.g. {@code discovery_unavailable}.
   *
   * @return the code
   */
  public String code() {
    return code;
  }

  /**
   * The HTTP status an adapter answers with unless configured otherwise.
   *
   * @return the default HTTP status, 400-599
   */
  public int defaultStatus() {
    return defaultStatus;
  }
}
