package io.github.regionalrouter.cluster;

import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.Ticker;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A named group of upstream {@link Endpoint}s that requests are routed to, with the settings of
 * how to reach them. The definition is immutable; the cluster also owns its runtime: one
 * {@link HttpClient} (made on first use, with an executor of its own unless one is given), the
 * load balancer's state, the count of requests in flight and the outlier detector's ejections.
 * Thread-safe.
 *
 * <p>Ownership: a router never uses the {@code Cluster} object it was given. Each
 * {@link ClusterRegistry} (each router built, so every call of {@code RegionalRouter.Builder.build()})
 * makes a copy of the definition with runtime state of its own, and closes only that copy: two
 * routers built from one builder share no permits, ejections or HTTP client, and closing one
 * never affects the other. The runtime of a router's cluster is {@code router.clusters().get(name)}.
 *
 * <pre>{@code
 * Cluster east = Cluster.named("us_east1").endpoint("https://10.0.0.1:443").sni("api.example.com").build();
 * }</pre>
 */
public final class Cluster implements AutoCloseable {
  private final String name;
  private final List<String> endpointUris;
  private final List<Endpoint> endpoints;
  private final String sni;
  private final SSLContext sslContext;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final HttpClient.Version version;
  private final LoadBalancer loadBalancer;
  private final String loadBalancerName;
  private final int maxConcurrentRequests;
  private final int outlierConsecutiveFailures;
  private final long outlierEjectionNanos;
  private final Duration outlierEjectionTime;
  private final int maxEjected;
  private final Executor executor;
  private final Ticker ticker;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger ejectedCount = new AtomicInteger();
  private final Object clientLock = new Object();
  private volatile HttpClient client;
  private ExecutorService clientExecutor; // the client's executor when this cluster made it; guarded by clientLock
  private volatile boolean closed;

  private Cluster(Builder b) {
    this.name = b.name;
    this.endpointUris = List.copyOf(b.endpoints);
    this.endpoints = parse(endpointUris);
    this.sni = b.sni;
    this.sslContext = b.sslContext;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.version = b.version;
    this.loadBalancerName = b.loadBalancerName;
    this.loadBalancer = LoadBalancer.named(b.loadBalancerName);
    this.maxConcurrentRequests = b.maxConcurrentRequests;
    this.outlierConsecutiveFailures = b.outlierConsecutiveFailures;
    this.outlierEjectionTime = b.outlierEjectionTime;
    this.outlierEjectionNanos = b.outlierEjectionTime.toNanos();
    this.maxEjected = endpoints.size() / 2;
    this.executor = b.executor;
    this.ticker = b.ticker;
  }

  /** The same definition with runtime state of its own (endpoints, balancer, permits, client). */
  private Cluster(Cluster d) {
    this.name = d.name;
    this.endpointUris = d.endpointUris;
    this.endpoints = parse(endpointUris);
    this.sni = d.sni;
    this.sslContext = d.sslContext;
    this.connectTimeout = d.connectTimeout;
    this.requestTimeout = d.requestTimeout;
    this.version = d.version;
    this.loadBalancerName = d.loadBalancerName;
    this.loadBalancer = LoadBalancer.named(d.loadBalancerName);
    this.maxConcurrentRequests = d.maxConcurrentRequests;
    this.outlierConsecutiveFailures = d.outlierConsecutiveFailures;
    this.outlierEjectionTime = d.outlierEjectionTime;
    this.outlierEjectionNanos = d.outlierEjectionNanos;
    this.maxEjected = d.maxEjected;
    this.executor = d.executor;
    this.ticker = d.ticker;
  }

  private static List<Endpoint> parse(List<String> uris) {
    List<Endpoint> eps = new ArrayList<>();
    for (String uri : uris) {
      eps.add(Endpoint.parse(uri));
    }
    return List.copyOf(eps);
  }

  /**
   * A cluster with this one's definition and fresh runtime state: no permits taken, no endpoint
   * ejected, no HTTP client yet. How a {@link ClusterRegistry} (and so each router) comes to own
   * the state of the clusters it was given.
   */
  Cluster freshCopy() {
    return new Cluster(this);
  }

  /**
   * Starts defining a cluster.
   *
   * @param name the cluster name, matched exactly against the routing header; a safe region name
   *     ({@code [A-Za-z0-9_.-]{1,64}})
   * @return a new builder of a cluster named {@code name}
   * @throws IllegalArgumentException if the name is not safe
   */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /**
   * The cluster's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The endpoints, in the order given.
   *
   * @return the endpoints, unmodifiable; never empty
   */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * The SNI server name sent to IP-literal endpoints, if set.
   *
   * @return the SNI server name; empty if not set
   */
  public java.util.Optional<String> sni() {
    return java.util.Optional.ofNullable(sni);
  }

  /**
   * How long opening a connection to an endpoint may take.
   *
   * @return the connect timeout; positive
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long an endpoint may take to answer with its status and headers.
   *
   * @return the request timeout; positive
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * The HTTP version used upstream.
   *
   * @return the upstream HTTP version
   */
  public HttpClient.Version version() {
    return version;
  }

  /**
   * The load balancing policy's config name: {@code round_robin} or {@code least_request}.
   *
   * @return the load balancer's name
   */
  public String loadBalancerName() {
    return loadBalancerName;
  }

  /**
   * The most requests this cluster forwards at once; more are refused.
   *
   * @return the request limit; at least 1
   */
  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  /**
   * Requests in flight now.
   *
   * @return the number of requests holding a permit now
   */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Consecutive failures after which an endpoint is ejected.
   *
   * @return the failure count that ejects an endpoint; at least 1
   */
  public int outlierConsecutiveFailures() {
    return outlierConsecutiveFailures;
  }

  /**
   * How long an ejected endpoint stays out.
   *
   * @return the ejection time; positive
   */
  public Duration outlierEjectionTime() {
    return outlierEjectionTime;
  }

  /**
   * Picks an endpoint with the load balancer, or returns {@code null} when every endpoint is
   * ejected.
   *
   * @return the endpoint to use, or {@code null} if every endpoint is ejected
   */
  public Endpoint pickEndpoint() {
    // no ejection in force: the time is not needed, so skip reading the clock
    long now = ejectedCount.get() == 0 ? 0L : ticker.read();
    return loadBalancer.pick(endpoints, now);
  }

  /**
   * Takes one of the cluster's request permits; {@code false} when
   * {@link #maxConcurrentRequests()} are in flight. Every successful call must be matched by one
   * {@link #release}.
   *
   * @param endpoint the endpoint the request goes to, one of {@link #endpoints()}
   * @return true if a permit was taken
   */
  public boolean tryAcquire(Endpoint endpoint) {
    for (; ; ) {
      int n = inFlight.get();
      if (n >= maxConcurrentRequests) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        endpoint.inFlight.incrementAndGet();
        return true;
      }
    }
  }

  /**
   * Returns a permit taken by {@link #tryAcquire}.
   *
   * @param endpoint the endpoint given to the matching {@link #tryAcquire}
   */
  public void release(Endpoint endpoint) {
    endpoint.inFlight.decrementAndGet();
    inFlight.decrementAndGet();
  }

  /**
   * Records an answer that was not a 5xx: the endpoint's failure streak ends.
   *
   * @param endpoint the endpoint that answered, one of {@link #endpoints()}
   */
  public void recordSuccess(Endpoint endpoint) {
    if (endpoint.consecutiveFailures.get() != 0) {
      endpoint.consecutiveFailures.set(0);
    }
  }

  /**
   * Records a connect failure or a 5xx answer. After {@link #outlierConsecutiveFailures()} in a
   * row, the endpoint is ejected for {@link #outlierEjectionTime()}, unless half of the cluster's
   * endpoints are ejected already.
   *
   * @param endpoint the endpoint that failed, one of {@link #endpoints()}
   * @return whether this failure ejected the endpoint
   */
  public boolean recordFailure(Endpoint endpoint) {
    int failures = endpoint.consecutiveFailures.incrementAndGet();
    if (failures < outlierConsecutiveFailures) {
      return false;
    }
    long now = ticker.read();
    synchronized (endpoint) {
      if (endpoint.isEjected(now)) {
        return false;
      }
      if (endpoint.ejected) {
        // an earlier ejection has run out
        endpoint.ejected = false;
        ejectedCount.decrementAndGet();
      }
      refreshEjections(now);
      if (ejectedCount.get() >= maxEjected) {
        return false;
      }
      ejectedCount.incrementAndGet();
      endpoint.ejectedUntilNanos = now + outlierEjectionNanos;
      endpoint.ejected = true;
      endpoint.consecutiveFailures.set(0);
      return true;
    }
  }

  private void refreshEjections(long now) {
    for (Endpoint e : endpoints) {
      synchronized (e) {
        if (e.ejected && !e.isEjected(now)) {
          e.ejected = false;
          ejectedCount.decrementAndGet();
        }
      }
    }
  }

  /**
   * The number of endpoints ejected now.
   *
   * @return the count of ejected endpoints, 0 to half of {@link #endpoints()}
   */
  public int ejectedEndpoints() {
    long now = ticker.read();
    int n = 0;
    for (Endpoint e : endpoints) {
      if (e.isEjected(now)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether {@code endpoint} is ejected now.
   *
   * @param endpoint one of {@link #endpoints()}
   * @return true if it is ejected now
   */
  public boolean isEjected(Endpoint endpoint) {
    return endpoint.isEjected(ticker.read());
  }

  /**
   * The cluster's HTTP client, made on first use with the cluster's version, connect timeout, TLS
   * context and SNI, never following redirects.
   *
   * @return the HTTP client; the same instance on every call until closed
   * @throws IllegalStateException if the cluster is closed
   */
  public HttpClient httpClient() {
    HttpClient c = client;
    if (c == null) {
      synchronized (clientLock) {
        if (closed) {
          throw new IllegalStateException("cluster " + name + " is closed");
        }
        c = client;
        if (c == null) {
          c = newClient();
          client = c;
        }
      }
    }
    return c;
  }

  private HttpClient newClient() {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(version)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(java.net.ProxySelector.of(null));
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    if (sni != null) {
      SSLParameters params = new SSLParameters();
      // The JDK sends this name only to IP-literal endpoints; a named endpoint's own name wins.
      // Certificates are then verified against this name.
      params.setServerNames(List.of(new SNIHostName(sni)));
      b.sslParameters(params);
    }
    if (executor != null) {
      b.executor(executor);
    } else {
      // our own rather than the client's default pool, so that close() can end its threads on 17
      clientExecutor = ClientThreads.newExecutor(name);
      b.executor(clientExecutor);
    }
    return b.build();
  }

  /**
   * Releases the HTTP client and its threads; requests still in flight fail. A later
   * {@link #httpClient()} throws. Idempotent.
   *
   * <p>The client's executor, when the cluster made it (no {@link Builder#executor} given), is
   * shut down: its idle threads end at once, a busy one after its task. On JDK 21+ the client is
   * stopped with {@code HttpClient.shutdownNow()} (not {@code close()}, which waits for requests
   * in flight): its connections are closed and its selector thread ends promptly. JDK 17-20 have
   * no way to stop an {@code HttpClient}: its selector thread
   * ({@code HttpClient-<n>-SelectorManager}) and its idle connections stay until the client is
   * garbage collected (the thread then ends within a few seconds), and tasks it still hands to the
   * shut-down executor run on {@code CompletableFuture}'s default async pool instead. An executor
   * given to the builder is the caller's to shut down.
   */
  @Override
  public void close() {
    HttpClient c;
    ExecutorService e;
    synchronized (clientLock) {
      closed = true;
      c = client;
      client = null;
      e = clientExecutor;
      clientExecutor = null;
    }
    if (c != null) {
      ClientThreads.shutdownNow(c);
    }
    if (e != null) {
      e.shutdown();
    }
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
     * @param uri the endpoint URI; not null, in the form {@link Endpoint#parse} accepts
     * @return this builder
     * @throws IllegalArgumentException if {@code uri} is not such a URI
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
     * @param serverName the server name; not null, a valid SNI host name
     * @return this builder
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
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /**
     * How long opening a connection may take; 5 seconds unless set.
     *
     * @param timeout the timeout; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * How long an endpoint may take to send its status and headers; 15 seconds unless set.
     *
     * @param timeout the timeout; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * HTTP/1.1 (the default) or HTTP/2 to the endpoints.
     *
     * @param version the HTTP version; not null
     * @return this builder
     */
    public Builder version(HttpClient.Version version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * {@code round_robin} (the default) or {@code least_request}.
     *
     * @param policy {@code round_robin} or {@code least_request}; not null
     * @return this builder
     * @throws IllegalArgumentException for any other name
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
     * @param ejectionTime how long an ejected endpoint stays out; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if a value is out of range
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
     * The executor of the cluster's HTTP client, not shut down by {@link Cluster#close()}. Unless
     * set, the cluster makes a cached pool of daemon threads named
     * {@code regional-router-cluster-<name>-<n>} with its client and shuts it down on close.
     *
     * @param executor the executor; not null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The time source of outlier ejection; {@link Ticker#system()} unless set (for tests).
     *
     * @param ticker the time source; not null
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Builds the cluster.
     *
     * @return a new cluster
     * @throws IllegalStateException if no endpoint was added, or {@code sni} differs from the name
     *     of an endpoint given by name
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
