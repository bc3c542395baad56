package io.github.regionalrouter.internal.cluster;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.resolve.Ticker;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;

/**
 * What one router keeps for one {@link Cluster} definition: the request permits and in-flight
 * counts, each endpoint's failure streak and ejection, the load balancer's state, and one
 * {@link HttpClient} (made on first use, with an executor of its own unless the definition gives
 * one). Made by {@link ClusterRegistry#of}; {@link #close()} is the router's. Thread-safe.
 */
public final class ClusterRuntime implements ClusterState, AutoCloseable {
  private final Cluster definition;
  private final String name;
  private final EndpointState[] states;
  private final List<EndpointState> stateList;
  private final LoadBalancer loadBalancer;
  private final int maxConcurrentRequests;
  private final int outlierConsecutiveFailures;
  private final long outlierEjectionNanos;
  private final int maxEjected;
  private final Ticker ticker;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger ejectedCount = new AtomicInteger();
  private final Object clientLock = new Object();
  private volatile HttpClient client;
  private ExecutorService clientExecutor; // the client's executor when this runtime made it; guarded by clientLock
  private volatile boolean closed;

  /** Fresh runtime state for {@code definition}: no permit taken, no endpoint ejected, no client yet. */
  public ClusterRuntime(Cluster definition) {
    this.definition = definition;
    this.name = definition.name();
    List<Endpoint> endpoints = definition.endpoints();
    this.states = new EndpointState[endpoints.size()];
    for (int i = 0; i < states.length; i++) {
      states[i] = new EndpointState(endpoints.get(i));
    }
    this.stateList = List.of(states);
    this.loadBalancer = LoadBalancer.named(definition.loadBalancerName());
    this.maxConcurrentRequests = definition.maxConcurrentRequests();
    this.outlierConsecutiveFailures = definition.outlierConsecutiveFailures();
    this.outlierEjectionNanos = definition.outlierEjectionTime().toNanos();
    this.maxEjected = states.length / 2;
    this.ticker = definition.ticker();
  }

  /**
   * The runtime behind {@code state}, which must come from a router's {@code clusters()}.
   *
   * @throws IllegalArgumentException if {@code state} is not a runtime of this library
   */
  public static ClusterRuntime of(ClusterState state) {
    if (state instanceof ClusterRuntime) {
      return (ClusterRuntime) state;
    }
    throw new IllegalArgumentException("cluster state: " + state + " (expected: one of a router's clusters())");
  }

  @Override
  public Cluster definition() {
    return definition;
  }

  @Override
  public String name() {
    return name;
  }

  /** {@code definition().connectTimeout()}. */
  public Duration connectTimeout() {
    return definition.connectTimeout();
  }

  /** {@code definition().requestTimeout()}. */
  public Duration requestTimeout() {
    return definition.requestTimeout();
  }

  /** {@code definition().version()}. */
  public HttpClient.Version version() {
    return definition.version();
  }

  /** {@code definition().maxConcurrentRequests()}. */
  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public int inFlight(Endpoint endpoint) {
    return state(endpoint).inFlight.get();
  }

  @Override
  public int consecutiveFailures(Endpoint endpoint) {
    return state(endpoint).consecutiveFailures.get();
  }

  @Override
  public boolean isEjected(Endpoint endpoint) {
    return state(endpoint).isEjected(ticker.read());
  }

  @Override
  public int ejectedEndpoints() {
    long now = ticker.read();
    int n = 0;
    for (EndpointState e : states) {
      if (e.isEjected(now)) {
        n++;
      }
    }
    return n;
  }

  /** The state of {@code endpoint}: found by identity (the endpoints handed out are the definition's), else by equality. */
  private EndpointState state(Endpoint endpoint) {
    for (EndpointState s : states) {
      if (s.endpoint == endpoint) {
        return s;
      }
    }
    for (EndpointState s : states) {
      if (s.endpoint.equals(endpoint)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "endpoint: " + endpoint + " (expected: one of cluster " + name + "'s " + definition.endpoints() + ")");
  }

  /**
   * Picks an endpoint with the load balancer, or returns {@code null} when every endpoint is
   * ejected.
   */
  public Endpoint pickEndpoint() {
    // no ejection in force: the time is not needed, so skip reading the clock
    long now = ejectedCount.get() == 0 ? 0L : ticker.read();
    EndpointState s = loadBalancer.pick(stateList, now);
    return s == null ? null : s.endpoint;
  }

  /**
   * Takes one of the cluster's request permits; {@code false} when
   * {@link #maxConcurrentRequests()} are in flight. Every successful call must be matched by one
   * {@link #release}.
   */
  public boolean tryAcquire(Endpoint endpoint) {
    EndpointState s = state(endpoint);
    for (; ; ) {
      int n = inFlight.get();
      if (n >= maxConcurrentRequests) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        s.inFlight.incrementAndGet();
        return true;
      }
    }
  }

  /** Returns a permit taken by {@link #tryAcquire}. */
  public void release(Endpoint endpoint) {
    state(endpoint).inFlight.decrementAndGet();
    inFlight.decrementAndGet();
  }

  /** Records an answer that was not a 5xx: the endpoint's failure streak ends. */
  public void recordSuccess(Endpoint endpoint) {
    EndpointState s = state(endpoint);
    if (s.consecutiveFailures.get() != 0) {
      s.consecutiveFailures.set(0);
    }
  }

  /**
   * Records a connect failure or a 5xx answer. After the definition's
   * {@code outlierConsecutiveFailures} in a row, the endpoint is ejected for its
   * {@code outlierEjectionTime}, unless half of the cluster's endpoints are ejected already.
   *
   * @return whether this failure ejected the endpoint
   */
  public boolean recordFailure(Endpoint endpoint) {
    EndpointState s = state(endpoint);
    int failures = s.consecutiveFailures.incrementAndGet();
    if (failures < outlierConsecutiveFailures) {
      return false;
    }
    long now = ticker.read();
    synchronized (s) {
      if (s.isEjected(now)) {
        return false;
      }
      if (s.ejected) {
        // an earlier ejection has run out
        s.ejected = false;
        ejectedCount.decrementAndGet();
      }
      refreshEjections(now);
      if (ejectedCount.get() >= maxEjected) {
        return false;
      }
      ejectedCount.incrementAndGet();
      s.ejectedUntilNanos = now + outlierEjectionNanos;
      s.ejected = true;
      s.consecutiveFailures.set(0);
      return true;
    }
  }

  private void refreshEjections(long now) {
    for (EndpointState e : states) {
      synchronized (e) {
        if (e.ejected && !e.isEjected(now)) {
          e.ejected = false;
          ejectedCount.decrementAndGet();
        }
      }
    }
  }

  /**
   * The cluster's HTTP client, made on first use with the definition's version, connect timeout,
   * TLS context and SNI, never following redirects and never using a proxy.
   *
   * @throws IllegalStateException if this runtime is closed
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
            .version(definition.version())
            .connectTimeout(definition.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(java.net.ProxySelector.of(null));
    definition.sslContext().ifPresent(b::sslContext);
    definition.sni().ifPresent(sni -> {
      SSLParameters params = new SSLParameters();
      // The JDK sends this name only to IP-literal endpoints; a named endpoint's own name wins.
      // Certificates are then verified against this name.
      params.setServerNames(List.of(new SNIHostName(sni)));
      b.sslParameters(params);
    });
    if (definition.executor().isPresent()) {
      b.executor(definition.executor().get());
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
   * <p>The client's executor, when this runtime made it (the definition gives none), is shut
   * down: its idle threads end at once, a busy one after its task. On JDK 21+ the client is
   * stopped with {@code HttpClient.shutdownNow()} (not {@code close()}, which waits for requests
   * in flight): its connections are closed and its selector thread ends promptly. JDK 17-20 have
   * no way to stop an {@code HttpClient}: its selector thread
   * ({@code HttpClient-<n>-SelectorManager}) and its idle connections stay until the client is
   * garbage collected (the thread then ends within a few seconds), and tasks it still hands to the
   * shut-down executor run on {@code CompletableFuture}'s default async pool instead. An executor
   * given in the definition is the caller's to shut down.
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
    return "Cluster[" + name + " " + definition.endpoints() + "]";
  }
}
