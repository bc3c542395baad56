package io.github.regionalrouter.config;

import io.github.regionalrouter.cluster.Cluster;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One entry of {@code "clusters"}. Immutable.
 *
 * <pre>{@code
 * {"name": "us_east1", "endpoints": ["https://10.0.0.1:443"], "sni": "api.example.com",
 *  "connectTimeout": "5s", "requestTimeout": "15s", "version": "HTTP_2",
 *  "loadBalancer": "least_request", "maxConcurrentRequests": 1024,
 *  "outlierDetection": {"consecutiveFailures": 5, "ejectionTime": "30s"}}
 * }</pre>
 *
 * <p>Only {@code name} and {@code endpoints} are required. The config keeps only the keys the file
 * sets and applies them onto a {@link Cluster.Builder}; every other value is that builder's
 * default (see {@link Cluster.Builder}: connect timeout 5 s, request timeout 15 s, HTTP/1.1, round
 * robin, 1024 requests at once, ejection after 5 failures for 30 s). The getters read the
 * effective values from a {@link Cluster} built that way (a definition opens nothing), so they
 * always agree with what {@link #toClusterBuilder()} builds.
 */
public final class ClusterConfig {
  private final String name;
  private final List<String> endpoints;
  private final List<Consumer<Cluster.Builder>> settings;
  private final Cluster effective;

  /**
   * @param settings the keys the file sets besides {@code name} and {@code endpoints}, each as a
   *     call on a {@link Cluster.Builder}, already checked by the parser
   */
  ClusterConfig(String name, List<String> endpoints, List<Consumer<Cluster.Builder>> settings) {
    this.name = name;
    this.endpoints = List.copyOf(endpoints);
    this.settings = List.copyOf(settings);
    this.effective = toClusterBuilder().build();
  }

  /**
   * A new builder of this cluster; each call returns a fresh one.
   *
   * @return a new builder with this entry's name, endpoints and settings
   */
  public Cluster.Builder toClusterBuilder() {
    Cluster.Builder b = Cluster.named(name);
    endpoints.forEach(b::endpoint);
    settings.forEach(s -> s.accept(b));
    return b;
  }

  /** The cluster this entry builds, to read its effective values from; never used, never closed. */
  Cluster effective() {
    return effective;
  }

  /**
   * {@code name}: the cluster name, matched against the routing header.
   *
   * @return the cluster name
   */
  public String name() {
    return name;
  }

  /**
   * {@code endpoints}: {@code http(s)://host:port} URIs, in file order.
   *
   * @return the endpoint URIs, unmodifiable, in file order
   */
  public List<String> endpoints() {
    return endpoints;
  }

  /**
   * {@code sni}: the TLS server name for IP-address endpoints, if set.
   *
   * @return the TLS server name; empty if not set
   */
  public Optional<String> sni() {
    return effective.sni();
  }

  /**
   * {@code connectTimeout}; {@link Cluster.Builder#connectTimeout}'s default (5 s) unless set.
   *
   * @return the connect timeout in effect
   */
  public Duration connectTimeout() {
    return effective.connectTimeout();
  }

  /**
   * {@code requestTimeout}; {@link Cluster.Builder#requestTimeout}'s default (15 s) unless set.
   *
   * @return the request timeout in effect
   */
  public Duration requestTimeout() {
    return effective.requestTimeout();
  }

  /**
   * {@code version}: {@code "HTTP_1_1"} or {@code "1.1"}, {@code "HTTP_2"} or {@code "2"};
   * {@link Cluster.Builder#version}'s default (HTTP/1.1) unless set.
   *
   * @return the HTTP version in effect
   */
  public HttpClient.Version version() {
    return effective.version();
  }

  /**
   * {@code loadBalancer}: {@code round_robin} or {@code least_request};
   * {@link Cluster.Builder#loadBalancer}'s default ({@code round_robin}) unless set.
   *
   * @return the load balancer's name in effect, {@code round_robin} or {@code least_request}
   */
  public String loadBalancer() {
    return effective.loadBalancerName();
  }

  /**
   * {@code maxConcurrentRequests}; {@link Cluster.Builder#maxConcurrentRequests}'s default (1024)
   * unless set.
   *
   * @return the most requests in flight to the cluster at once
   */
  public int maxConcurrentRequests() {
    return effective.maxConcurrentRequests();
  }

  /**
   * {@code outlierDetection.consecutiveFailures}; {@link Cluster.Builder#outlierDetection}'s
   * default (5) unless set.
   *
   * @return the consecutive failures that eject an endpoint
   */
  public int outlierConsecutiveFailures() {
    return effective.outlierConsecutiveFailures();
  }

  /**
   * {@code outlierDetection.ejectionTime}; {@link Cluster.Builder#outlierDetection}'s default
   * (30 s) unless set.
   *
   * @return how long an ejected endpoint stays out
   */
  public Duration outlierEjectionTime() {
    return effective.outlierEjectionTime();
  }

  @Override
  public String toString() {
    return "ClusterConfig[" + name + " " + endpoints + "]";
  }
}
