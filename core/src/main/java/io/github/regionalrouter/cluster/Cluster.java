package io.github.regionalrouter.cluster;

import io.github.regionalrouter.internal.cluster.LoadBalancer;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.Ticker;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

/**
 * The definition of a named group of upstream {@link Endpoint}s that requests are routed to, with
 * the settings of how to reach them. Immutable and thread-safe; it holds no runtime state and
 * opens nothing.
 *
 * <p>Ownership: a router never changes the {@code Cluster} it was given. Each router built (every
 * call of {@code RegionalRouter.Builder.build()}) makes runtime state of its own from the
 * definition — the request permits, the load balancer, the outlier detector's ejections, the
 * {@link HttpClient} and its executor — and closes only that. Two routers built from one builder
 * share none of it. The live state of a router's cluster is read through
 * {@code router.clusters().get(name)} (a {@link ClusterState}).
 *
 * <pre>{@code
 * Cluster east = Cluster.named("us_east1").endpoint("https://10.0.0.1:443").sni("api.example.com").build();
 * }</pre>
 */
public final class Cluster {
  private final String name;
  private final List<Endpoint> endpoints;
  private final String sni;
  private final SSLContext sslContext;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final HttpClient.Version version;
  private final String loadBalancerName;
  private final int maxConcurrentRequests;
  private final int outlierConsecutiveFailures;
  private final Duration outlierEjectionTime;
  private final Executor executor;
  private final Ticker ticker;

  private Cluster(Builder b) {
    this.name = b.name;
    List<Endpoint> eps = new ArrayList<>();
    for (String uri : b.endpoints) {
      eps.add(Endpoint.parse(uri));
    }
    this.endpoints = List.copyOf(eps);
    this.sni = b.sni;
    this.sslContext = b.sslContext;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.version = b.version;
    this.loadBalancerName = b.loadBalancerName;
    this.maxConcurrentRequests = b.maxConcurrentRequests;
    this.outlierConsecutiveFailures = b.outlierConsecutiveFailures;
    this.outlierEjectionTime = b.outlierEjectionTime;
    this.executor = b.executor;
    this.ticker = b.ticker;
  }

  /**
   * Starts defining a cluster.
   *
   * @param name the cluster name, matched exactly against the routing header; a safe region name
   *     ({@code [A-Za-z0-9_.-]{1,64}})
   * @return a new builder with no endpoints and the defaults described on its setters
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is not safe
   */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /**
   * The cluster's name.
   *
   * @return the name given to {@link #named}; never null
   */
  public String name() {
    return name;
  }

  /**
   * The endpoints, in the order given.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * The SNI server name sent to IP-literal endpoints, if set.
   *
   * @return the ASCII (punycode) server name, or empty if none was set
   */
  public Optional<String> sni() {
    return Optional.ofNullable(sni);
  }

  /**
   * The TLS context for {@code https} endpoints, if set; else the JVM's default context is used.
   *
   * @return the context given to {@link Builder#sslContext}, or empty if none was
   */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /**
   * How long opening a connection to an endpoint may take.
   *
   * @return a positive duration; 5 seconds unless set
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long an endpoint may take to answer with its status and headers.
   *
   * @return a positive duration; 15 seconds unless set
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * The HTTP version used upstream.
   *
   * @return {@code HTTP_1_1} unless set
   */
  public HttpClient.Version version() {
    return version;
  }

  /**
   * The load balancing policy's config name: {@code round_robin} or {@code least_request}.
   *
   * @return {@code round_robin} unless set
   */
  public String loadBalancerName() {
    return loadBalancerName;
  }

  /**
   * The most requests this cluster forwards at once; more are refused.
   *
   * @return at least 1; 1024 unless set
   */
  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  /**
   * Consecutive failures after which an endpoint is ejected.
   *
   * @return at least 1; 5 unless set
   */
  public int outlierConsecutiveFailures() {
    return outlierConsecutiveFailures;
  }

  /**
   * How long an ejected endpoint stays out.
   *
   * @return a positive duration; 30 seconds unless set
   */
  public Duration outlierEjectionTime() {
    return outlierEjectionTime;
  }

  /**
   * The executor given for the HTTP client, if one was; else each router makes a pool of its own
   * for this cluster (see {@link Builder#executor}).
   *
   * @return the executor given to {@link Builder#executor}, or empty if none was
   */
  public Optional<Executor> executor() {
    return Optional.ofNullable(executor);
  }

  /**
   * The time source of outlier ejection.
   *
   * @return {@link Ticker#system()} unless set
   */
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "Cluster[" + name + " " + endpoints + "]";
  }

  /**
   * Defines a {@link Cluster}. Not thread-safe; {@link #build()} does not change the builder and
   * may be called again.
   */
  public static final class Builder {
    private final String name;
    private final List<String> endpoints = new ArrayList<>();
    private String sni;
    private SSLContext sslContext;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private HttpClient.Version version = HttpClient.Version.HTTP_1_1;
    private String loadBalancerName = "round_robin";
    private int maxConcurrentRequests = 1024;
    private int outlierConsecutiveFailures = 5;
    private Duration outlierEjectionTime = Duration.ofSeconds(30);
    private Executor executor;
    private Ticker ticker = Ticker.system();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!RegionAnswer.isValidRegion(name)) {
        throw new IllegalArgumentException(
            "cluster name: \"" + name + "\" (expected: 1-64 of A-Z a-z 0-9 _ . -)");
      }
      this.name = name;
    }

    /**
     * Adds an endpoint, {@code http://host:port} or {@code https://host:port}. At least one.
     *
     * @param uri the endpoint, in the form {@link Endpoint#parse} accepts
     * @return this builder
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException if {@code uri} is not in that form or its port is not 1-65535
     */
    public Builder endpoint(String uri) {
      Endpoint.parse(uri); // fail here, not in build()
      endpoints.add(uri);
      return this;
    }

    /**
     * The TLS server name (SNI) to send, and to verify the certificate against, when an endpoint is
     * an IP address. Unset by default. For an endpoint given by name the JDK always sends that name,
     * so a different {@code sni} is rejected by {@link #build()}.
     *
     * @param serverName a DNS host name (not an IP address); stored in its ASCII form
     * @return this builder
     * @throws NullPointerException if {@code serverName} is null
     * @throws IllegalArgumentException if {@code serverName} is not a valid SNI host name
     */
    public Builder sni(String serverName) {
      this.sni = new SNIHostName(Objects.requireNonNull(serverName, "sni")).getAsciiName();
      return this;
    }

    /**
     * The TLS context for {@code https} endpoints (e.g. with a private trust store). Unless set,
     * the JVM's default context: certificates are verified against the JVM's trusted roots and the
     * endpoint's name (or {@link #sni}).
     *
     * @param context the TLS context; not null
     * @return this builder
     * @throws NullPointerException if {@code context} is null
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /**
     * How long opening a connection may take; 5 seconds unless set.
     *
     * @param timeout the connect timeout; positive
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * How long an endpoint may take to send its status and headers; 15 seconds unless set.
     *
     * @param timeout the time from sending the request to receiving the response headers; positive
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * HTTP/1.1 (the default) or HTTP/2 to the endpoints.
     *
     * @param version the HTTP version to use upstream
     * @return this builder
     * @throws NullPointerException if {@code version} is null
     */
    public Builder version(HttpClient.Version version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * {@code round_robin} (the default) or {@code least_request}.
     *
     * @param policy the load balancing policy's name
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     * @throws IllegalArgumentException if {@code policy} is neither name
     */
    public Builder loadBalancer(String policy) {
      LoadBalancer.named(Objects.requireNonNull(policy, "loadBalancer"));
      this.loadBalancerName = policy;
      return this;
    }

    /**
     * The most requests in flight to this cluster at once; 1024 unless set.
     *
     * @param max the limit; at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     */
    public Builder maxConcurrentRequests(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentRequests: " + max + " (expected: >= 1)");
      }
      this.maxConcurrentRequests = max;
      return this;
    }

    /**
     * Passive outlier detection: after {@code consecutiveFailures} connect failures or 5xx answers
     * in a row, an endpoint is ejected for {@code ejectionTime} (never more than half of the
     * cluster's endpoints at once). 5 and 30 seconds unless set.
     *
     * @param consecutiveFailures failures in a row that eject an endpoint; at least 1
     * @param ejectionTime how long an ejected endpoint stays out; positive
     * @return this builder
     * @throws IllegalArgumentException if {@code consecutiveFailures} is less than 1, or
     *     {@code ejectionTime} is zero or negative
     * @throws NullPointerException if {@code ejectionTime} is null
     */
    public Builder outlierDetection(int consecutiveFailures, Duration ejectionTime) {
      if (consecutiveFailures < 1) {
        throw new IllegalArgumentException(
            "consecutiveFailures: " + consecutiveFailures + " (expected: >= 1)");
      }
      this.outlierConsecutiveFailures = consecutiveFailures;
      this.outlierEjectionTime = positive("ejectionTime", ejectionTime);
      return this;
    }

    /**
     * The executor of the cluster's HTTP client, never shut down by the library. Unless set, each
     * router makes a cached pool of daemon threads named {@code regional-router-cluster-<name>-<n>}
     * with the cluster's client, and shuts it down when the router is closed.
     *
     * @param executor the executor for the HTTP client's work; not null
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The time source of outlier ejection; {@link Ticker#system()} unless set (for tests).
     *
     * @param ticker the time source
     * @return this builder
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Builds the cluster.
     *
     * @throws IllegalStateException if no endpoint was added, or {@code sni} differs from the name
     *     of an endpoint given by name
     *
     * @return a new, immutable cluster with the endpoints and settings given so far
     */
    public Cluster build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("cluster " + name + ": endpoints (expected: at least one)");
      }
      if (sni != null) {
        for (String uri : endpoints) {
          Endpoint e = Endpoint.parse(uri);
          if (!e.isIpLiteral() && !e.host().equals(sni)) {
            throw new IllegalStateException(
                "cluster " + name + ": sni \"" + sni + "\" differs from endpoint host \""
                    + e.host() + "\" (expected: sni only with IP-address endpoints, or equal to the"
                    + " endpoint's host; the JDK sends a named endpoint's own name)");
          }
        }
      }
      return new Cluster(this);
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
