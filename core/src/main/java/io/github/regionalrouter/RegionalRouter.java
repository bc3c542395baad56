package io.github.regionalrouter;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.Hosts;
import io.github.regionalrouter.internal.Paths;
import io.github.regionalrouter.internal.ListenerFanOut;
import io.github.regionalrouter.internal.cluster.ClusterRegistry;
import io.github.regionalrouter.internal.cluster.ClusterRuntime;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import io.github.regionalrouter.resolve.CacheStats;
import io.github.regionalrouter.resolve.CachingResolver;
import io.github.regionalrouter.resolve.HttpDiscoveryResolver;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolver;
import io.github.regionalrouter.resolve.ResolverCache;
import io.github.regionalrouter.route.RouteContext;
import io.github.regionalrouter.route.RouteSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides where each request goes: validates the request's host, resolves its region (through the
 * cache), writes it into the routing header, selects the cluster and picks an endpoint.
 *
 * <pre>{@code
 * RegionalRouter router = RegionalRouter.builder()
 *     .resolver(RegionResolvers.httpDiscovery("http://discovery:8080/regions?host={host}"))
 *     .fallbackRegion("us_east1")
 *     .cluster(Cluster.named("us_east1").endpoint("https://10.0.0.1:443").sni("api.example.com"))
 *     .cluster(Cluster.named("us_central1").endpoint("http://10.0.1.1:8080"))
 *     .responseHeader("Processed-By", "Regional Router")
 *     .build();
 * router.decide(request).thenAccept(decision -> ...);
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #close()} releases the clusters' HTTP clients.
 */
public final class RegionalRouter implements AutoCloseable {
  private final RouterSettings settings;
  private final RegionResolver resolver;
  private final RegionResolver observedResolver;
  private final CachingResolver cache; // null when caching is off
  private final ResolverCache cacheSettings;
  private final Duration resolveTimeout;
  private final long resolveTimeoutNanos;
  private final String fallbackRegion;
  private final int clusterNotFoundStatus;
  private final RouteSelector selector;
  private final ClusterRegistry clusters;
  private final RouterStats stats = new RouterStats();
  private final ListenerFanOut listener;

  private RegionalRouter(Builder b, ResolverCache cacheSettings) {
    this.settings =
        new RouterSettings(b.routingHeader, Collections.unmodifiableMap(new LinkedHashMap<>(b.responseHeaders)));
    this.resolver = b.resolver;
    List<RoutingListener> all = new ArrayList<>();
    all.add(stats);
    all.addAll(b.listeners);
    this.listener = new ListenerFanOut(all);
    this.observedResolver = observe(b.resolver, listener);
    this.cacheSettings = cacheSettings;
    this.cache = cacheSettings == null ? null : cacheSettings.wrap(observedResolver);
    this.resolveTimeout = b.resolveTimeout;
    this.resolveTimeoutNanos = b.resolveTimeout.toNanos();
    this.fallbackRegion = b.fallbackRegion;
    this.clusterNotFoundStatus = b.clusterNotFoundStatus;
    this.selector = b.selector == null ? RouteSelector.byHeader(b.routingHeader) : b.selector;
    this.clusters = ClusterRegistry.of(b.clusters);
  }

  /**
   * Where a resolver call asked for on an event-loop thread is made instead. The common pool: the
   * task only starts the call (a resolver is asynchronous by contract; this guards against what
   * blocks anyway, like the host name lookup {@code HttpClient.sendAsync} makes on its caller's
   * thread), so it is short; it needs no thread of ours and nothing to close, and it is already
   * what {@link HttpDiscoveryResolver} completes its timeouts on. The router has no other executor,
   * and the forwarder's is not known when the router is built.
   */
  private static final Executor OFF_LOOP = ForkJoinPool.commonPool();

  /**
   * Reports every call of {@code resolver} to the listeners, and makes the calls asked for on an
   * event-loop thread ({@link SelectorLoop#inLoopThread()}) on {@link #OFF_LOOP} instead: this is
   * the one place every resolver call goes through (cache misses, background refreshes, no cache).
   */
  private static RegionResolver observe(RegionResolver resolver, RoutingListener listener) {
    return new RegionResolver() {
      @Override
      public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
        if (SelectorLoop.inLoopThread()) {
          CompletableFuture<RegionAnswer> result = new CompletableFuture<>();
          try {
            OFF_LOOP.execute(() -> callInto(result, host, request));
            return result;
          } catch (RuntimeException e) {
            // irrelevant: the common pool refuses only while the JVM stops; call from here rather
            // than fail the lookup
          }
        }
        return call(host, request);
      }

      private void callInto(CompletableFuture<RegionAnswer> result, String host, InboundRequest request) {
        CompletionStage<RegionAnswer> stage;
        try {
          stage = call(host, request);
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
          return;
        }
        if (stage == null) {
          result.completeExceptionally(new NullPointerException("resolver returned a null stage"));
          return;
        }
        stage.whenComplete((answer, failure) -> {
          if (failure != null) {
            result.completeExceptionally(unwrap(failure));
          } else {
            result.complete(answer);
          }
        });
      }

      private CompletionStage<RegionAnswer> call(String host, InboundRequest request) {
        long start = System.nanoTime();
        CompletionStage<RegionAnswer> stage;
        try {
          stage = resolver.resolve(host, request);
        } catch (RuntimeException e) {
          report(host, null, e, start);
          throw e;
        }
        if (stage == null) {
          return null; // the cache reports a null stage as a failure
        }
        stage.whenComplete((answer, failure) -> report(host, answer, failure, start));
        return stage;
      }

      private void report(String host, RegionAnswer answer, Throwable failure, long start) {
        long nanos = System.nanoTime() - start;
        listener.onResolverCall(host, answer, unwrap(failure), nanos);
      }

      @Override
      public String toString() {
        return resolver.toString();
      }
    };
  }

  /**
   * Starts building a router.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides where {@code request} goes.
   *
   * <p>On a cache hit the returned stage is already complete and nothing was allocated but the
   * decision. On a miss it completes on the resolver's thread, within the resolve timeout. It
   * completes exceptionally with a {@link RoutingException}: {@code invalid_request} (bad Host, or a path refused as
   * {@link RouteContext#path()} says),
   * {@code discovery_unavailable} (resolution failed, no stale answer, no fallback region),
   * {@code cluster_not_found}, or {@code no_healthy_endpoint}. This method never throws for those.
   *
   * @param request the request as the adapter received it; not null
   * @return a stage completing with the decision, or exceptionally with a {@link RoutingException}
   */
  public CompletionStage<RouteDecision> decide(InboundRequest request) {
    Objects.requireNonNull(request, "request");
    String host;
    try {
      host = Hosts.hostOf(request);
      Paths.normalize(Targets.path(request.target())); // refuses a path no rule could match safely
    } catch (RoutingException e) {
      return failed(request, e);
    }
    if (cache != null) {
      CachingResolver.CacheHit hit = cache.peek(host, request);
      if (hit != null) {
        listener.onCacheHit(host, hit.stale());
        return complete(request, host, hit.answer(), hit.stale() ? RegionSource.STALE : RegionSource.CACHE);
      }
      listener.onCacheMiss(host);
      CompletableFuture<CachingResolver.CacheHit> pending;
      try {
        pending = cache.lookup(host, request).toCompletableFuture();
      } catch (RuntimeException e) {
        pending = CompletableFuture.failedFuture(e);
      }
      return whenResolved(request, host, pending, true);
    }
    CompletableFuture<RegionAnswer> pending;
    try {
      pending = observedResolver.resolve(host, request).toCompletableFuture();
    } catch (RuntimeException e) {
      pending = CompletableFuture.failedFuture(e);
    }
    return whenResolved(request, host, pending, false);
  }

  private CompletionStage<RouteDecision> whenResolved(
      InboundRequest request, String host, CompletableFuture<?> pending, boolean cached) {
    CompletableFuture<RouteDecision> result = new CompletableFuture<>();
    if (!pending.isDone()) {
      pending = pending.copy().orTimeout(resolveTimeoutNanos, TimeUnit.NANOSECONDS);
    }
    pending.whenComplete(
        (value, error) -> {
          if (error != null) {
            Throwable cause = unwrap(error);
            if (fallbackRegion == null) {
              String why =
                  cause instanceof TimeoutException
                      ? "region discovery timed out after " + resolveTimeout.toMillis() + " ms"
                      : "region discovery failed";
              fail(result, request, new RoutingException(FailureReason.DISCOVERY_UNAVAILABLE, why, cause));
              return;
            }
            listener.onFallback(host, cause);
            finish(result, request, host, fallbackRegion, RegionSource.FALLBACK);
            return;
          }
          RegionAnswer answer;
          RegionSource source;
          if (cached) {
            CachingResolver.CacheHit hit = (CachingResolver.CacheHit) value;
            answer = hit.answer();
            source = hit.stale() ? RegionSource.STALE : RegionSource.RESOLVER;
          } else {
            answer = (RegionAnswer) value;
            source = RegionSource.RESOLVER;
          }
          String region = answer.regionOrNull();
          if (region == null && fallbackRegion != null) {
            listener.onFallback(host, null);
            finish(result, request, host, fallbackRegion, RegionSource.FALLBACK);
          } else {
            finish(result, request, host, region, region == null ? RegionSource.NONE : source);
          }
        });
    return result;
  }

  private CompletionStage<RouteDecision> complete(
      InboundRequest request, String host, RegionAnswer answer, RegionSource source) {
    String region = answer.regionOrNull();
    if (region == null) {
      if (fallbackRegion != null) {
        listener.onFallback(host, null);
        region = fallbackRegion;
        source = RegionSource.FALLBACK;
      } else {
        source = RegionSource.NONE;
      }
    }
    RouteDecision decision = new RouteDecision(request, host, region, source, settings);
    RoutingException failure = target(decision);
    if (failure != null) {
      return failed(request, failure);
    }
    listener.onDecision(decision);
    return CompletableFuture.completedFuture(decision);
  }

  private void finish(
      CompletableFuture<RouteDecision> result,
      InboundRequest request,
      String host,
      String region,
      RegionSource source) {
    RouteDecision decision = new RouteDecision(request, host, region, source, settings);
    RoutingException failure;
    try {
      failure = target(decision);
    } catch (RuntimeException e) {
      failure = new RoutingException(FailureReason.CLUSTER_NOT_FOUND, clusterNotFoundStatus,
          "route selection failed", e);
    }
    if (failure != null) {
      fail(result, request, failure);
      return;
    }
    listener.onDecision(decision);
    result.complete(decision);
  }

  /** Selects cluster and endpoint into {@code decision}; returns the failure, if any. */
  private RoutingException target(RouteDecision decision) {
    String name = selector.select(decision);
    if (name == null) {
      return new RoutingException(
          FailureReason.CLUSTER_NOT_FOUND, clusterNotFoundStatus,
          decision.region() == null ? "no region for host" : "no route for request", null);
    }
    ClusterRuntime cluster = clusters.get(name);
    if (cluster == null) {
      return new RoutingException(
          FailureReason.CLUSTER_NOT_FOUND, clusterNotFoundStatus, "unknown cluster", null);
    }
    Endpoint endpoint = cluster.pickEndpoint();
    if (endpoint == null) {
      return new RoutingException(FailureReason.NO_HEALTHY_ENDPOINT, "no healthy endpoint in cluster");
    }
    decision.target(cluster.definition(), endpoint);
    return null;
  }

  private CompletionStage<RouteDecision> failed(InboundRequest request, RoutingException e) {
    CompletableFuture<RouteDecision> f = new CompletableFuture<>();
    fail(f, request, e);
    return f;
  }

  private void fail(CompletableFuture<RouteDecision> f, InboundRequest request, RoutingException e) {
    listener.onRoutingFailure(request, e);
    f.completeExceptionally(e);
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The routing header's name, e.g. {@code region}.
   *
   * @return the routing header's name
   */
  public String routingHeader() {
    return settings.routingHeader;
  }

  /**
   * The headers added to every response, in order.
   *
   * @return the response headers (name to value), in order
   */
  public Map<String, String> responseHeaders() {
    return settings.responseHeaders;
  }

  /**
   * The live state of this router's clusters by name, in the order they were added: read-only
   * views of the permits, in-flight counts and ejections the router keeps for each definition
   * (see {@link Cluster}). Unmodifiable; the set of clusters is fixed when the router is built.
   *
   * @return the clusters' live state by name
   */
  public Map<String, ClusterState> clusters() {
    return clusters.states();
  }

  /**
   * The built-in counters.
   *
   * @return this router's {@link RouterStats}
   */
  public RouterStats stats() {
    return stats;
  }

  /**
   * This router's listeners ({@link #stats()} first, then those added to the builder) as one: a
   * forwarder reports {@link RoutingListener#onForwarded} and
   * {@link RoutingListener#onUpstreamFailure} to it. A listener that throws is logged (at most once
   * a minute per listener) and skipped: it never changes a request's outcome.
   *
   * @return the combined listener; never null
   */
  public RoutingListener listener() {
    return listener;
  }

  /**
   * The cache's counters, if caching is on.
   *
   * @return the cache's counters; empty when caching is off
   */
  public Optional<CacheStats> cacheStats() {
    return cache == null ? Optional.empty() : Optional.of(cache.stats());
  }

  /**
   * The region used when resolution fails or answers unknown, if set.
   *
   * @return the fallback region; empty if not set
   */
  public Optional<String> fallbackRegion() {
    return Optional.ofNullable(fallbackRegion);
  }

  /**
   * The status answered for {@code cluster_not_found}.
   *
   * @return 503, 404 or 500
   */
  public int clusterNotFoundStatus() {
    return clusterNotFoundStatus;
  }

  /**
   * The deadline of region resolution.
   *
   * @return the resolve timeout; positive
   */
  public Duration resolveTimeout() {
    return resolveTimeout;
  }

  /**
   * The resolver, as configured (without the cache).
   *
   * @return the resolver given to the builder
   */
  public RegionResolver resolver() {
    return resolver;
  }

  /**
   * The cache settings, if caching is on.
   *
   * @return the cache settings; empty when caching is off
   */
  public Optional<ResolverCache> cacheSettings() {
    return Optional.ofNullable(cacheSettings);
  }

  /**
   * The route selector.
   *
   * @return the route selector in use
   */
  public RouteSelector routeSelector() {
    return selector;
  }

  /** Releases the clusters' HTTP clients. */
  @Override
  public void close() {
    clusters.close();
  }

  @Override
  public String toString() {
    return "RegionalRouter[header=" + settings.routingHeader + ", resolver=" + resolver
        + ", clusters=" + clusters.states().values() + "]";
  }

  /**
   * Builds a {@link RegionalRouter}. Not thread-safe; {@link #build()} does not change the builder
   * and may be called again: each router gets runtime state of its own for every cluster (see
   * {@link Cluster}), so closing one router never affects another built from the same builder.
   */
  public static final class Builder {
    private String routingHeader = "region";
    private RegionResolver resolver;
    private ResolverCache cache = null;
    private boolean cacheSet;
    private Duration resolveTimeout = Duration.ofSeconds(2);
    private String fallbackRegion;
    private int clusterNotFoundStatus = 503;
    private RouteSelector selector;
    private final List<Cluster> clusters = new ArrayList<>();
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final List<RoutingListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * The routing header's name; {@code region} unless set.
     *
     * @param name the header name; not null, an HTTP token
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is not a valid header name
     */
    public Builder routingHeader(String name) {
      Objects.requireNonNull(name, "routingHeader");
      if (!HeaderNames.isToken(name)) {
        throw new IllegalArgumentException(
            "routingHeader: \"" + name + "\" (expected: an HTTP header name)");
      }
      this.routingHeader = name;
      return this;
    }

    /**
     * The resolver of regions. Required.
     *
     * @param resolver the resolver; not null
     * @return this builder
     */
    public Builder resolver(RegionResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * The HTTP discovery resolver this builder describes.
     *
     * @param discovery the discovery resolver's builder, built now; not null
     * @return this builder
     */
    public Builder resolver(HttpDiscoveryResolver.Builder discovery) {
      return resolver(discovery.build());
    }

    /**
     * The cache in front of the resolver; {@link ResolverCache#defaults()} unless set (30 s TTL,
     * 5 s for unknown hosts, 100,000 hosts).
     *
     * @param cache the cache settings; not null
     * @return this builder
     */
    public Builder cache(ResolverCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      this.cacheSet = true;
      return this;
    }

    /**
     * Turns the cache off: every request asks the resolver.
     *
     * @return this builder
     */
    public Builder noCache() {
      this.cache = null;
      this.cacheSet = true;
      return this;
    }

    /**
     * The deadline of region resolution, cache miss included: after it the request gets the fallback
     * region, or fails with {@code discovery_unavailable}. 2 seconds unless set.
     *
     * @param timeout the deadline; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder resolveTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "resolveTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("resolveTimeout: " + timeout + " (expected: > 0)");
      }
      this.resolveTimeout = timeout;
      return this;
    }

    /**
     * The region used when resolution fails with no stale answer, or answers unknown. None unless
     * set: failures then answer 503 {@code discovery_unavailable}, unknown hosts
     * {@code cluster_not_found}.
     *
     * @param region the fallback region; not null, a valid region name
     * @return this builder
     */
    public Builder fallbackRegion(String region) {
      this.fallbackRegion = RegionAnswer.of(Objects.requireNonNull(region, "fallbackRegion")).regionOrNull();
      return this;
    }

    /**
     * The status of {@code cluster_not_found}: 503 (the default), 404 or 500.
     *
     * @param status 503, 404 or 500
     * @return this builder
     * @throws IllegalArgumentException for any other status
     */
    public Builder clusterNotFoundStatus(int status) {
      if (status != 503 && status != 404 && status != 500) {
        throw new IllegalArgumentException(
            "clusterNotFoundStatus: " + status + " (expected: 503, 404 or 500)");
      }
      this.clusterNotFoundStatus = status;
      return this;
    }

    /**
     * How the cluster is chosen; {@link RouteSelector#byHeader} of the routing header unless set
     * (Envoy's {@code cluster_header}).
     *
     * @param selector the route selector; not null
     * @return this builder
     */
    public Builder routeSelector(RouteSelector selector) {
      this.selector = Objects.requireNonNull(selector, "routeSelector");
      return this;
    }

    /**
     * Adds a cluster. At least one is required.
     *
     * @param cluster the cluster; not null, its name unique among this router's clusters
     * @return this builder
     */
    public Builder cluster(Cluster cluster) {
      clusters.add(Objects.requireNonNull(cluster, "cluster"));
      return this;
    }

    /**
     * Adds the cluster {@code cluster} describes.
     *
     * @param cluster the cluster's builder, built now; not null
     * @return this builder
     */
    public Builder cluster(Cluster.Builder cluster) {
      return cluster(cluster.build());
    }

    /**
     * Adds a header to every response, e.g. {@code Processed-By: Regional Router}.
     *
     * @param name the header name; not null, an HTTP token
     * @param value the header value; not null, without CR, LF or NUL
     * @return this builder
     * @throws IllegalArgumentException if the name or the value is not valid in a header
     */
    public Builder responseHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!HeaderNames.isToken(name)) {
        throw new IllegalArgumentException("response header name: \"" + name + "\" (expected: an HTTP header name)");
      }
      if (!HeaderNames.isSafeValue(value)) {
        throw new IllegalArgumentException(
            "response header " + name + ": value has CR, LF or NUL (expected: printable text)");
      }
      responseHeaders.put(name, value);
      return this;
    }

    /**
     * Adds a listener of routing events.
     *
     * @param listener the listener; not null
     * @return this builder
     */
    public Builder listener(RoutingListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the router.
     *
     * @return a new router
     * @throws IllegalStateException if no resolver or no cluster was given, or two clusters share
     *     a name
     */
    public RegionalRouter build() {
      if (resolver == null) {
        throw new IllegalStateException("resolver (expected: a RegionResolver; none was set)");
      }
      if (clusters.isEmpty()) {
        throw new IllegalStateException("clusters (expected: at least one cluster)");
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      for (Cluster c : clusters) {
        if (!names.add(c.name())) {
          throw new IllegalStateException("cluster name: \"" + c.name() + "\" (expected: unique)");
        }
      }
      return new RegionalRouter(this, cacheSet ? cache : ResolverCache.defaults());
    }
  }
}
