package io.github.regionalrouter.forward;

import io.github.regionalrouter.FailureReason;
import java.util.Optional;

/**
 * What became of one request: the status sent, bytes each way, how long it took and where it went.
 * What an access log line needs. Immutable.
 */
public final class ForwardResult {
  private final int status;
  private final boolean aborted;
  private final long bytesIn;
  private final long bytesOut;
  private final long durationNanos;
  private final String region;
  private final String cluster;
  private final String endpoint;
  private final String requestId;
  private final FailureReason failure;

  ForwardResult(int status, boolean aborted, long bytesIn, long bytesOut, long durationNanos,
      String region, String cluster, String endpoint, String requestId, FailureReason failure) {
    this.status = status;
    this.aborted = aborted;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.durationNanos = durationNanos;
    this.region = region;
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.requestId = requestId;
    this.failure = failure;
  }

  /**
   * The status sent to the client (the upstream's, or the router's for a failure).
   *
   * @return the HTTP status
   */
  public int status() {
    return status;
  }

  /**
   * Whether the response was cut off (the upstream or the client went away mid-body).
   *
   * @return true if the response was cut off
   */
  public boolean aborted() {
    return aborted;
  }

  /**
   * Request body bytes read from the client.
   *
   * @return the request body bytes read
   */
  public long bytesIn() {
    return bytesIn;
  }

  /**
   * Response body bytes written to the client.
   *
   * @return the response body bytes written
   */
  public long bytesOut() {
    return bytesOut;
  }

  /**
   * Nanoseconds from {@link Forwarder#handle} to the end of the response.
   *
   * @return the duration in nanoseconds
   */
  public long durationNanos() {
    return durationNanos;
  }

  /**
   * The region the request was routed by, if one was resolved.
   *
   * @return the region; empty if none was resolved
   */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /**
   * The cluster's name, if one was chosen.
   *
   * @return the cluster's name; empty if none was chosen
   */
  public Optional<String> cluster() {
    return Optional.ofNullable(cluster);
  }

  /**
   * The endpoint ({@code scheme://host:port}) last tried, if any.
   *
   * @return the endpoint's URI; empty if none was tried
   */
  public Optional<String> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * The request id sent upstream (the client's {@code X-Request-Id}, or one generated).
   *
   * @return the request id; never null
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Why the router answered instead of the upstream, if it did.
   *
   * @return the failure reason; empty when the upstream answered
   */
  public Optional<FailureReason> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public String toString() {
    return "ForwardResult[status=" + status + (aborted ? " aborted" : "") + ", in=" + bytesIn
        + ", out=" + bytesOut + ", cluster=" + cluster + ", endpoint=" + endpoint
        + (failure == null ? "" : ", failure=" + failure.code()) + "]";
  }
}
