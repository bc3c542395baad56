package io.github.regionalrouter.config;

import io.github.regionalrouter.cluster.Cluster;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code "clusters"}, with every default filled in. Immutable.
 *
 * <pre>{@code
 * {"name": "us_east1", "endpoints": ["https://10.0.0.1:443"], "sni": "api.example.com",
 *  "connectTimeout": "5s", "requestTimeout": "15s", "version": "HTTP_2",
 *  "loadBalancer": "least_request", "maxConcurrentRequests": 1024,
 *  "outlierDetection": {"consecutiveFailures": 5, "ejectionTime": "30s"}}
 * }</pre>
 *
 * <p>Only {@code name} and {@code endpoints} are required; the others default as in
 * {@link Cluster.Builder}: connect timeout 5 s, request timeout 15 s, HTTP/1.1, round robin, 1024
 * requests at once, ejection after 5 failures for 30 s.
 */
public final class ClusterConfig {
  /** A built cluster with every default, to read the defaults from (it makes no HTTP client). */
  static final Cluster DEFAULTS = Cluster.named("defaults").endpoint("http://127.0.0.1:1").build();

  private final String name;
  private final List<String> endpoints;
  private final String sni;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final HttpClient.Version version;
  private final String loadBalancer;
  private final int maxConcurrentRequests;
  private final int outlierConsecutiveFailures;
  private final Duration outlierEjectionTime;

  ClusterConfig(
      String name,
      List<String> endpoints,
      String sni,
      Duration connectTimeout,
      Duration requestTimeout,
      HttpClient.Version version,
      String loadBalancer,
      int maxConcurrentRequests,
      int outlierConsecutiveFailures,
      Duration outlierEjectionTime) {
    this.name = name;
    this.endpoints = List.copyOf(endpoints);
    this.sni = sni;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.version = version;
    this.loadBalancer = loadBalancer;
    this.maxConcurrentRequests = maxConcurrentRequests;
    this.outlierConsecutiveFailures = outlierConsecutiveFailures;
    this.outlierEjectionTime = outlierEjectionTime;
  }

  /** A new builder of this cluster; each call returns a fresh one. */
  public Cluster.Builder toClusterBuilder() {
    Cluster.Builder b = Cluster.named(name);
    endpoints.forEach(b::endpoint);
    if (sni != null) {
      b.sni(sni);
    }
    return b.connectTimeout(connectTimeout)
        .requestTimeout(requestTimeout)
        .version(version)
        .loadBalancer(loadBalancer)
        .maxConcurrentRequests(maxConcurrentRequests)
        .outlierDetection(outlierConsecutiveFailures, outlierEjectionTime);
  }

  /** {@code name}: the cluster name, matched against the routing header. */
  public String name() {
    return name;
  }

  /** {@code endpoints}: {@code http(s)://host:port} URIs, in file order. */
  public List<String> endpoints() {
    return endpoints;
  }

  /** {@code sni}: the TLS server name for IP-address endpoints, if set. */
  public Optional<String> sni() {
    return Optional.ofNullable(sni);
  }

  /** {@code connectTimeout}; 5 s unless set. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@code requestTimeout}; 15 s unless set. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@code version}: {@code "HTTP_1_1"} or {@code "1.1"} (the default), {@code "HTTP_2"} or {@code "2"}. */
  public HttpClient.Version version() {
    return version;
  }

  /** {@code loadBalancer}: {@code round_robin} (the default) or {@code least_request}. */
  public String loadBalancer() {
    return loadBalancer;
  }

  /** {@code maxConcurrentRequests}; 1024 unless set. */
  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  /** {@code outlierDetection.consecutiveFailures}; 5 unless set. */
  public int outlierConsecutiveFailures() {
    return outlierConsecutiveFailures;
  }

  /** {@code outlierDetection.ejectionTime}; 30 s unless set. */
  public Duration outlierEjectionTime() {
    return outlierEjectionTime;
  }

  @Override
  public String toString() {
    return "ClusterConfig[" + name + " " + endpoints + "]";
  }
}
