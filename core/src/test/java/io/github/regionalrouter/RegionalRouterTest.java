package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolver;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.route.RouteSelector;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RegionalRouterTest {

  private static final RegionResolver MAP =
      RegionResolvers.fixed(
          Map.of(
              "east.example", "us_east1",
              "*.central.example", "us_central1",
              "nowhere.example", "eu_west9"));

  private static RegionalRouter.Builder router(RegionResolver resolver) {
    return RegionalRouter.builder()
        .resolver(resolver)
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:18081"))
        .cluster(Cluster.named("us_central1").endpoint("http://127.0.0.1:18082"))
        .responseHeader("Processed-By", "Regional Router");
  }

  private static InboundRequest get(String host, String... headers) {
    InboundRequest.Builder b = InboundRequest.builder().target("/a?b=c").header("Host", host);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  private static RouteDecision decide(RegionalRouter router, InboundRequest request) {
    return router.decide(request).toCompletableFuture().join();
  }

  private static RoutingException failure(RegionalRouter router, InboundRequest request) {
    CompletableFuture<RouteDecision> f = router.decide(request).toCompletableFuture();
    Throwable t = f.handle((d, e) -> e).join();
    assertThat(t).as("routing should fail").isNotNull();
    while (t instanceof CompletionException) {
      t = t.getCause();
    }
    assertThat(t).isInstanceOf(RoutingException.class);
    return (RoutingException) t;
  }

  @Test
  void routesEachHostToTheClusterNamedByItsRegion() {
    RegionalRouter router = router(MAP).build();
    RouteDecision east = decide(router, get("East.Example:8080"));
    assertThat(east.host()).isEqualTo("east.example");
    assertThat(east.region()).isEqualTo("us_east1");
    assertThat(east.regionSource()).isEqualTo(RegionSource.RESOLVER);
    assertThat(east.cluster().name()).isEqualTo("us_east1");
    assertThat(east.endpoint().authority()).isEqualTo("127.0.0.1:18081");
    assertThat(east.routingHeader()).isEqualTo("region");
    assertThat(east.header("REGION")).isEqualTo("us_east1");
    assertThat(east.responseHeaders()).containsExactly(Map.entry("Processed-By", "Regional Router"));

    RouteDecision central = decide(router, get("api.central.example"));
    assertThat(central.cluster().name()).isEqualTo("us_central1");
    assertThat(router.stats().decisions()).isEqualTo(2);
  }

  @Test
  void clientSentRoutingHeaderNeverDecidesTheCluster() {
    RegionalRouter router = router(MAP).build();
    for (String name : new String[] {"region", "Region", "REGION"}) {
      RouteDecision d =
          decide(router, get("east.example", name, "us_central1", name, "us_central1,x"));
      assertThat(d.cluster().name()).isEqualTo("us_east1");
      assertThat(d.header(name)).isEqualTo("us_east1");
    }
  }

  @Test
  void clientSentRoutingHeaderDoesNotRouteAnUnknownHost() {
    RegionalRouter router = router(MAP).build();
    RoutingException e = failure(router, get("unknown.example", "region", "us_east1"));
    assertThat(e.reason()).isEqualTo(FailureReason.CLUSTER_NOT_FOUND);
  }

  @Test
  void regionWithoutClusterFailsWithClusterNotFoundAndTheConfiguredStatus() {
    RoutingException e = failure(router(MAP).build(), get("nowhere.example"));
    assertThat(e.reason()).isEqualTo(FailureReason.CLUSTER_NOT_FOUND);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.getMessage()).isEqualTo("unknown cluster");

    RoutingException e404 =
        failure(router(MAP).clusterNotFoundStatus(404).build(), get("nowhere.example"));
    assertThat(e404.status()).isEqualTo(404);
  }

  @Test
  void unknownHostGoesToTheFallbackRegionWhenThereIsOne() {
    RouteDecision d = decide(router(MAP).fallbackRegion("us_central1").build(), get("x.example"));
    assertThat(d.region()).isEqualTo("us_central1");
    assertThat(d.regionSource()).isEqualTo(RegionSource.FALLBACK);
  }

  @Test
  void failedResolutionUsesTheFallbackRegion() {
    RegionResolver broken =
        (host, request) -> CompletableFuture.failedFuture(new IOException("connection refused"));
    RegionalRouter router = router(broken).fallbackRegion("us_east1").build();
    RouteDecision d = decide(router, get("a.example"));
    assertThat(d.cluster().name()).isEqualTo("us_east1");
    assertThat(d.regionSource()).isEqualTo(RegionSource.FALLBACK);
    assertThat(router.stats().fallbacks()).isEqualTo(1);
  }

  @Test
  void failedResolutionWithoutFallbackIsDiscoveryUnavailable() {
    RegionResolver broken =
        (host, request) -> CompletableFuture.failedFuture(new IOException("connection refused"));
    RegionalRouter router = router(broken).build();
    RoutingException e = failure(router, get("a.example"));
    assertThat(e.reason()).isEqualTo(FailureReason.DISCOVERY_UNAVAILABLE);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.getCause()).hasMessage("connection refused");
    assertThat(router.stats().failures(FailureReason.DISCOVERY_UNAVAILABLE)).isEqualTo(1);
  }

  @Test
  void aResolverThatThrowsIsTreatedAsAFailure() {
    RegionResolver throwing =
        (host, request) -> {
          throw new IllegalStateException("bug");
        };
    RoutingException e = failure(router(throwing).build(), get("a.example"));
    assertThat(e.reason()).isEqualTo(FailureReason.DISCOVERY_UNAVAILABLE);
  }

  @Test
  void aResolverThatNeverAnswersFailsWithinTheResolveTimeout() {
    RegionResolver hanging = (host, request) -> new CompletableFuture<>();
    RegionalRouter router = router(hanging).resolveTimeout(Duration.ofMillis(300)).build();
    long start = System.nanoTime();
    RoutingException e = failure(router, get("a.example"));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(e.reason()).isEqualTo(FailureReason.DISCOVERY_UNAVAILABLE);
    assertThat(e.getMessage()).contains("timed out after 300 ms");
    assertThat(tookMs).isBetween(250L, 3_000L);
  }

  @Test
  void aResolverThatNeverAnswersFallsBackWithinTheResolveTimeout() {
    RegionResolver hanging = (host, request) -> new CompletableFuture<>();
    RegionalRouter router =
        router(hanging).resolveTimeout(Duration.ofMillis(200)).fallbackRegion("us_east1").build();
    assertThat(decide(router, get("a.example")).region()).isEqualTo("us_east1");
  }

  @Test
  void invalidHostIsRejectedWithoutAskingTheResolver() {
    AtomicInteger calls = new AtomicInteger();
    RegionResolver counting =
        (host, request) -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(RegionAnswer.of("us_east1"));
        };
    RegionalRouter router = router(counting).build();
    for (String bad : new String[] {"a.com&region=eu#x", "a.com/x", "a b", "a.com\r\nx: y", ""}) {
      RoutingException e = failure(router, get(bad));
      assertThat(e.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
      assertThat(e.status()).isEqualTo(400);
    }
    assertThat(calls).hasValue(0);
  }

  @Test
  void fixedSelectorIgnoresTheRegion() {
    RegionalRouter router = router(MAP).routeSelector(RouteSelector.fixed("us_central1")).build();
    assertThat(decide(router, get("east.example")).cluster().name()).isEqualTo("us_central1");
  }

  @Test
  void routeTableSelectsByDomainAndPathPrefix() {
    RegionalRouter router =
        router(MAP)
            .routeSelector(
                RouteSelector.table()
                    .route("*", "/admin", "us_central1")
                    .route("*", "/", RouteSelector.byHeader("region"))
                    .build())
            .build();
    InboundRequest admin =
        InboundRequest.builder().target("/admin/x").header("Host", "east.example").build();
    assertThat(decide(router, admin).cluster().name()).isEqualTo("us_central1");
    assertThat(decide(router, get("east.example")).cluster().name()).isEqualTo("us_east1");
  }

  @Test
  void firstCharacterResolverSendsEvenAndOddHostsToTwoRegions() {
    RegionalRouter router =
        router(RegionResolvers.firstCharacter("us_east1", "us_central1")).build();
    assertThat(decide(router, get("b.example")).region()).isEqualTo("us_east1"); // 'b' = 98
    assertThat(decide(router, get("a.example")).region()).isEqualTo("us_central1"); // 'a' = 97
  }

  @Test
  void builderNamesTheFieldAndTheExpectedValue() {
    assertThatThrownBy(() -> RegionalRouter.builder().clusterNotFoundStatus(418))
        .hasMessage("clusterNotFoundStatus: 418 (expected: 503, 404 or 500)");
    assertThatThrownBy(() -> RegionalRouter.builder().routingHeader("re gion"))
        .hasMessage("routingHeader: \"re gion\" (expected: an HTTP header name)");
    assertThatThrownBy(() -> RegionalRouter.builder().fallbackRegion("../etc"))
        .hasMessageContaining("region: \"../etc\"");
    assertThatThrownBy(() -> RegionalRouter.builder().responseHeader("X", "a\r\nb: c"))
        .hasMessageContaining("CR, LF or NUL");
    assertThatThrownBy(() -> RegionalRouter.builder().noCache().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resolver");
    assertThatThrownBy(() -> RegionalRouter.builder().resolver(MAP).build())
        .hasMessageContaining("clusters (expected: at least one cluster)");
    assertThatThrownBy(
            () ->
                router(MAP)
                    .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:1"))
                    .build())
        .hasMessageContaining("cluster name: \"us_east1\" (expected: unique)");
  }

  @Test
  void buildDoesNotChangeTheBuilder() {
    RegionalRouter.Builder b = router(MAP);
    RegionalRouter one = b.build();
    RegionalRouter two = b.build();
    assertThat(one).isNotSameAs(two);
    assertThat(decide(two, get("east.example")).region()).isEqualTo("us_east1");
  }

  /** Throws from every event it hears of. */
  private static final class ThrowingListener implements RoutingListener {
    private final AtomicInteger calls = new AtomicInteger();

    private void fail() {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void onDecision(RouteDecision decision) {
      fail();
    }

    @Override
    public void onRoutingFailure(InboundRequest request, RoutingException failure) {
      fail();
    }

    @Override
    public void onCacheHit(String host, boolean stale) {
      fail();
    }

    @Override
    public void onCacheMiss(String host) {
      fail();
    }

    @Override
    public void onResolverCall(String host, RegionAnswer answer, Throwable failure, long nanos) {
      fail();
    }

    @Override
    public void onFallback(String host, Throwable cause) {
      fail();
    }
  }

  @Test
  void aThrowingListenerDoesNotStopACacheMissFromCompletingNorTheListenersAfterIt() throws Exception {
    ThrowingListener throwing = new ThrowingListener();
    AtomicInteger decisions = new AtomicInteger();
    RegionalRouter router =
        RegionalRouter.builder()
            .resolver(MAP)
            .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:18081"))
            .listener(throwing)
            .listener(new RoutingListener() {
              @Override
              public void onDecision(RouteDecision decision) {
                decisions.incrementAndGet();
              }
            })
            .build();

    RouteDecision d = router.decide(get("east.example")).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(d.cluster().name()).isEqualTo("us_east1");
    assertThat(throwing.calls.get()).as("the throwing listener was called").isPositive();
    assertThat(decisions.get()).isEqualTo(1);
    assertThat(router.stats().decisions()).isEqualTo(1);
  }

  @Test
  void aThrowingListenerDoesNotMakeACacheHitThrow() throws Exception {
    ThrowingListener throwing = new ThrowingListener();
    RegionalRouter router =
        RegionalRouter.builder()
            .resolver(MAP)
            .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:18081"))
            .listener(throwing)
            .build();
    router.decide(get("east.example")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    int before = throwing.calls.get();

    CompletableFuture<RouteDecision> hit = router.decide(get("east.example")).toCompletableFuture();

    assertThat(hit).isCompleted();
    assertThat(hit.join().regionSource()).isEqualTo(RegionSource.CACHE);
    assertThat(throwing.calls.get()).isGreaterThan(before);
  }

  @Test
  void aThrowingListenerDoesNotChangeARoutingFailure() throws Exception {
    ThrowingListener throwing = new ThrowingListener();
    RegionalRouter router = router(MAP).listener(throwing).build();

    RoutingException e = failure(router, get("nowhere.example"));

    assertThat(e.reason()).isEqualTo(FailureReason.CLUSTER_NOT_FOUND);
    assertThat(throwing.calls.get()).isPositive();
  }
}
