package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.CachingResolver;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Case 17: discovery's "unknown" (404) is cached for the negative TTL; a flood of distinct hosts
 * never grows the cache beyond its bound (a million through the cache, 100,000 through the router).
 */
class NegativeCachingTest {
  DiscoveryServer discovery;
  ProxyUnderTest proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (discovery != null) {
      discovery.close();
    }
  }

  void startProxy(String fallbackRegion) throws IOException {
    discovery = new DiscoveryServer();
    discovery.answer(DiscoveryServer.status(404, ""));
    proxy = new ProxyUnderTest(r -> {
      r.resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofSeconds(2)))
          .cache(ResolverCache.defaults().withNegativeTtl(Duration.ofMinutes(1)));
      if (fallbackRegion != null) {
        r.fallbackRegion(fallbackRegion);
      }
    });
  }

  @Test
  @Timeout(30)
  void anUnknownHostIsCachedNegativelySoRequestsWithinTheNegativeTtlMakeOneDiscoveryCall() throws IOException {
    startProxy(null);

    for (int i = 0; i < 50; i++) {
      FaultRig.Reply reply = proxy.get("unknown.example");
      assertThat(reply.status).as(reply.toString()).isEqualTo(503);
      assertThat(reply.header("X-Router-Error")).isEqualTo("cluster_not_found");
    }

    assertThat(discovery.calls("unknown.example")).isEqualTo(1);
  }

  @Test
  @Timeout(30)
  void anUnknownHostCachedNegativelyGoesToTheFallbackRegionWithOneDiscoveryCall() throws IOException {
    startProxy("us_central1");

    for (int i = 0; i < 50; i++) {
      FaultRig.Reply reply = proxy.get("unknown.example");
      assertThat(reply.status).as(reply.toString()).isEqualTo(200);
      assertThat(reply.text()).isEqualTo("central");
    }

    assertThat(discovery.calls("unknown.example")).isEqualTo(1);
  }

  @Test
  @Timeout(30)
  void aMillionRandomHostsNeverGrowTheCacheBeyondItsBound() {
    int bound = 1000;
    // the cache the router builds, driven directly: a million lookups in a few seconds
    CachingResolver cache = ResolverCache.defaults().withMaxEntries(bound)
        .wrap(RegionResolvers.firstCharacter("us_east1", "us_central1"));
    InboundRequest request = InboundRequest.builder().header("Host", "any.example").build();
    SplittableRandom random = new SplittableRandom(17);
    long largest = 0;
    for (int i = 0; i < 1_000_000; i++) {
      cache.lookup(randomHost(random), request).toCompletableFuture().join();
      if (i % 1000 == 0) {
        largest = Math.max(largest, cache.stats().size());
      }
    }

    assertThat(largest).as("largest sampled size").isLessThanOrEqualTo(bound);
    assertThat(cache.stats().size()).isLessThanOrEqualTo(bound).isGreaterThan(0);
    assertThat(cache.stats().evictions()).isGreaterThanOrEqualTo(1_000_000 - bound);
  }

  @Test
  @Timeout(30)
  void aHundredThousandRandomHostsThroughTheRouterNeverGrowItsCacheBeyondItsBound() {
    int bound = 1000;
    try (RegionalRouter router = RegionalRouter.builder()
        .resolver(RegionResolvers.firstCharacter("us_east1", "us_central1"))
        .cache(ResolverCache.defaults().withMaxEntries(bound))
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:9"))
        .cluster(Cluster.named("us_central1").endpoint("http://127.0.0.1:9"))
        .build()) {
      SplittableRandom random = new SplittableRandom(17);
      long largest = 0;
      for (int i = 0; i < 100_000; i++) {
        router.decide(InboundRequest.builder().header("Host", randomHost(random)).build()).toCompletableFuture().join();
        if (i % 500 == 0) {
          largest = Math.max(largest, router.cacheStats().orElseThrow().size());
        }
      }

      assertThat(largest).as("largest sampled size").isLessThanOrEqualTo(bound);
      assertThat(router.cacheStats().orElseThrow().size()).isLessThanOrEqualTo(bound);
    }
  }

  private static String randomHost(SplittableRandom random) {
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + ".example";
  }
}
