package io.github.regionalrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

  private static Path resource(String name) {
    try {
      return Path.of(RouterConfigTest.class.getResource("/config/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void fullFileParsesToTheExpectedModel() {
    RouterConfig c = RouterConfig.load(resource("full.json"));

    assertThat(c.source()).endsWith("full.json");
    assertThat(c.listen()).contains(new InetSocketAddress("127.0.0.1", 8000));
    assertThat(c.admin()).contains(new InetSocketAddress("127.0.0.1", 9901));
    assertThat(c.routingHeader()).isEqualTo("region");
    assertThat(c.preserveHost()).isTrue();
    assertThat(c.allowUnderscoresInHeaders()).isTrue();
    assertThat(c.resolveTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.resolver()).isEmpty();
    DiscoveryConfig d = c.discovery().orElseThrow();
    assertThat(d.url()).isEqualTo("http://127.0.0.1:18090/discover?host={host}");
    assertThat(d.regionPointer()).contains("/region");
    assertThat(d.timeout()).contains(Duration.ofSeconds(1));
    assertThat(d.maxBodyBytes()).hasValue(8192);
    assertThat(d.headers()).containsExactly(entry("Authorization", "Bearer x"), entry("X-Client", "router"));
    CacheConfig cache = c.cache().orElseThrow();
    assertThat(cache.ttl()).contains(Duration.ofSeconds(30));
    assertThat(cache.negativeTtl()).contains(Duration.ofSeconds(5));
    assertThat(cache.maxEntries()).hasValue(100_000);
    assertThat(cache.staleWhileRevalidate()).contains(Duration.ofSeconds(10));
    assertThat(cache.staleIfError()).contains(Duration.ofMinutes(5));
    assertThat(cache.errorBackoff()).contains(Duration.ofSeconds(1));
    assertThat(c.fallbackRegion()).contains("us_east1");
    assertThat(c.clusterNotFoundStatus()).isEqualTo(503);

    assertThat(c.clusters()).extracting(ClusterConfig::name).containsExactly("us_east1", "us_central1");
    ClusterConfig east = c.clusters().get(0);
    assertThat(east.endpoints()).containsExactly("http://127.0.0.1:18081");
    assertThat(east.sni()).isEmpty();
    assertThat(east.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(east.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(east.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(east.loadBalancer()).isEqualTo("round_robin");
    assertThat(east.maxConcurrentRequests()).isEqualTo(1024);
    assertThat(east.outlierConsecutiveFailures()).isEqualTo(5);
    assertThat(east.outlierEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    ClusterConfig central = c.clusters().get(1);
    assertThat(central.endpoints()).containsExactly("https://www.example.com:443");
    assertThat(central.sni()).contains("www.example.com");
    assertThat(central.requestTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(central.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(central.loadBalancer()).isEqualTo("least_request");
    assertThat(central.maxConcurrentRequests()).isEqualTo(64);
    assertThat(central.outlierConsecutiveFailures()).isEqualTo(3);
    assertThat(central.outlierEjectionTime()).isEqualTo(Duration.ofHours(1));

    assertThat(c.routes()).hasSize(2);
    assertThat(c.routes().get(0).domain()).isEqualTo("*.example.com");
    assertThat(c.routes().get(0).pathPrefix()).isEqualTo("/api");
    assertThat(c.routes().get(0).cluster()).contains("us_east1");
    assertThat(c.routes().get(1).domain()).isEqualTo("*");
    assertThat(c.routes().get(1).pathPrefix()).isEqualTo("/");
    assertThat(c.routes().get(1).header()).contains("region");
    assertThat(c.responseHeaders()).containsExactly(entry("Processed-By", "Regional Router"));

    ServerLimits s = c.server();
    assertThat(s.maxHeaderBytes()).isEqualTo(32768);
    assertThat(s.maxHeaders()).isEqualTo(50);
    assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.maxRequestTime()).isEmpty();
    assertThat(s.engine()).isEqualTo("http1");
    assertThat(s.maxRequestLineBytes()).isEqualTo(4096);
    assertThat(s.maxRequestBodyBytes()).isEqualTo(1_048_576L);
    assertThat(s.eventLoops()).isEqualTo(3);
  }

  @Test
  void minimalFileGetsEveryDefault() {
    RouterConfig c = RouterConfig.parse("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """, "min.json");
    assertThat(c.listen()).isEmpty();
    assertThat(c.admin()).isEmpty();
    assertThat(c.routingHeader()).isEqualTo("region");
    assertThat(c.preserveHost()).isFalse();
    assertThat(c.allowUnderscoresInHeaders()).isFalse();
    assertThat(c.resolveTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.clusterNotFoundStatus()).isEqualTo(503);
    assertThat(c.fallbackRegion()).isEmpty();
    assertThat(c.routes()).isEmpty();
    assertThat(c.cache()).hasValueSatisfying(cache -> assertThat(cache.ttl()).isEmpty());
    assertThat(c.resolver().orElseThrow().options())
        .containsExactly(entry("even", "us_east1"), entry("odd", "us_central1"));
    ServerLimits s = c.server();
    assertThat(s.maxHeaderBytes()).isEqualTo(65536);
    assertThat(s.maxHeaders()).isEqualTo(100);
    assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.maxRequestTime()).isEmpty();
    assertThat(s.engine()).isEqualTo("http1");
    assertThat(s.maxRequestLineBytes()).isEqualTo(8192);
    assertThat(s.maxRequestBodyBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(s.eventLoops()).isZero(); // one per available processor
  }

  @Test
  void ipv6ListenAddressIsParsed() {
    RouterConfig c = RouterConfig.parse("""
        {"listen": "[::1]:0",
         "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """, "v6.json");
    InetSocketAddress a = c.listen().orElseThrow();
    assertThat(a.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(a.getPort()).isZero();
  }

  @Test
  void fixedResolverFileBuildsTheSameRouterAsTheFluentBuilder() throws Exception {
    RouterConfig c = RouterConfig.load(resource("fixed.json"));
    assertThat(c.cache()).isEmpty();

    try (RegionalRouter fromFile = c.buildRouter();
        RegionalRouter fluent = RegionalRouter.builder()
            .routingHeader("x-region")
            .resolver(RegionResolvers.fixed(Map.of("a.com", "us_east1", "*.b.com", "us_central1")))
            .noCache()
            .fallbackRegion("us_central1")
            .clusterNotFoundStatus(404)
            .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:18081")
                .connectTimeout(Duration.ofSeconds(2)))
            .cluster(Cluster.named("us_central1").endpoint("https://10.0.0.1:443").sni("www.example.com"))
            .responseHeader("Processed-By", "Regional Router")
            .build()) {
      for (RegionalRouter r : List.of(fromFile, fluent)) {
        RouteDecision a = r.decide(InboundRequest.builder().header("Host", "a.com").build())
            .toCompletableFuture().get();
        assertThat(a.region()).isEqualTo("us_east1");
        assertThat(a.cluster().name()).isEqualTo("us_east1");
        RouteDecision b = r.decide(InboundRequest.builder().header("Host", "x.b.com").build())
            .toCompletableFuture().get();
        assertThat(b.cluster().name()).isEqualTo("us_central1");
      }
      assertThat(fromFile.routingHeader()).isEqualTo(fluent.routingHeader());
      assertThat(fromFile.responseHeaders()).isEqualTo(fluent.responseHeaders());
      assertThat(fromFile.fallbackRegion()).isEqualTo(fluent.fallbackRegion());
      assertThat(fromFile.clusterNotFoundStatus()).isEqualTo(fluent.clusterNotFoundStatus());
      assertThat(fromFile.resolveTimeout()).isEqualTo(fluent.resolveTimeout());
      assertThat(fromFile.cacheSettings()).isEmpty();
      List<Cluster> mine = fromFile.clusters().values().stream().map(ClusterState::definition).collect(Collectors.toList());
      List<Cluster> theirs = fluent.clusters().values().stream().map(ClusterState::definition).collect(Collectors.toList());
      assertThat(mine).hasSameSizeAs(theirs);
      for (int i = 0; i < mine.size(); i++) {
        Cluster x = mine.get(i);
        Cluster y = theirs.get(i);
        assertThat(x.name()).isEqualTo(y.name());
        assertThat(x.endpoints()).isEqualTo(y.endpoints());
        assertThat(x.sni()).isEqualTo(y.sni());
        assertThat(x.connectTimeout()).isEqualTo(y.connectTimeout());
        assertThat(x.requestTimeout()).isEqualTo(y.requestTimeout());
        assertThat(x.version()).isEqualTo(y.version());
        assertThat(x.loadBalancerName()).isEqualTo(y.loadBalancerName());
        assertThat(x.maxConcurrentRequests()).isEqualTo(y.maxConcurrentRequests());
      }
    }
  }

  @Test
  void fullFileBuildsARouterWithDiscoveryAndCache() {
    try (RegionalRouter r = RouterConfig.load(resource("full.json")).buildRouter()) {
      assertThat(r.cacheSettings()).isPresent();
      var cache = r.cacheSettings().orElseThrow();
      assertThat(cache.ttl()).isEqualTo(Duration.ofSeconds(30));
      assertThat(cache.negativeTtl()).isEqualTo(Duration.ofSeconds(5));
      assertThat(cache.maxEntries()).isEqualTo(100_000);
      assertThat(cache.staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(10));
      assertThat(cache.staleIfError()).isEqualTo(Duration.ofMinutes(5));
      assertThat(cache.errorBackoff()).isEqualTo(Duration.ofSeconds(1));
      assertThat(r.resolver().toString()).contains("/discover?host={host}").doesNotContain("Bearer x");
      assertThat(r.resolveTimeout()).isEqualTo(Duration.ofMillis(1500));
      assertThat(r.clusters()).hasSize(2);
    }
  }

  @Test
  void routesBuildARouteTable() throws Exception {
    RouterConfig c = RouterConfig.parse("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1", "cache": false},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]},
                      {"name": "us_central1", "endpoints": ["http://127.0.0.1:18082"]}],
         "routes": [{"domain": "*.example.com", "pathPrefix": "/api", "cluster": "us_central1"},
                    {"header": "region"}]}
        """, "routes.json");
    try (RegionalRouter r = c.buildRouter()) {
      // 'b' is even (98): the header route sends it to us_east1, unless the table matches first
      RouteDecision api = r.decide(InboundRequest.builder().header("Host", "b.example.com")
          .target("/api/x").build()).toCompletableFuture().get();
      assertThat(api.cluster().name()).isEqualTo("us_central1");
      RouteDecision other = r.decide(InboundRequest.builder().header("Host", "b.example.com")
          .target("/web").build()).toCompletableFuture().get();
      assertThat(other.cluster().name()).isEqualTo("us_east1");
    }
  }

  @Test
  void redactedMapHidesTheAuthorizationHeaderAndSecretNamedValues() {
    RouterConfig c = RouterConfig.load(resource("full.json"));
    Map<String, Object> m = c.toRedactedMap();

    @SuppressWarnings("unchecked")
    Map<String, Object> discovery = (Map<String, Object>) m.get("discovery");
    assertThat(discovery.get("headers"))
        .isEqualTo(Map.of("Authorization", "<redacted>", "X-Client", "<redacted>"));
    assertThat(m.toString()).doesNotContain("Bearer x");
    assertThat(m).containsEntry("listen", "127.0.0.1:8000").containsEntry("resolveTimeout", "1500ms");
    assertThat(discovery.get("cache").toString()).contains("staleIfError=5m");

    RouterConfig provider = RouterConfig.parse("""
        {"resolver": {"type": "fixed", "hosts": {"a.com": "us_east1"}},
         "responseHeaders": {"X-Secret-Sauce": "ketchup"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """, "p.json");
    assertThat(provider.toRedactedMap().get("responseHeaders"))
        .isEqualTo(Map.of("X-Secret-Sauce", "<redacted>"));
  }

  @Test
  void durationsAcceptEveryUnitAndFormatBack() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("5 s")).isNull();
    assertThat(Durations.parse("1.5s")).isNull();
    assertThat(Durations.format(Duration.ofMillis(90_000))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(120))).isEqualTo("2h");
  }

  @Test
  void aClusterTheFileBarelyDescribesGetsTheClusterBuildersDefaultsEverywhere() {
    RouterConfig c = RouterConfig.parse("""
        {"resolver": {"type": "fixed", "hosts": {"a.example": "us_east1"}},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}""", "config.json");
    Cluster plain = Cluster.named("us_east1").endpoint("http://127.0.0.1:18081").build();
    Cluster fromFile = c.clusters().get(0).toClusterBuilder().build();

    for (Cluster k : List.of(fromFile, c.clusters().get(0).effective())) {
      assertThat(k.connectTimeout()).isEqualTo(plain.connectTimeout());
      assertThat(k.requestTimeout()).isEqualTo(plain.requestTimeout());
      assertThat(k.version()).isEqualTo(plain.version());
      assertThat(k.loadBalancerName()).isEqualTo(plain.loadBalancerName());
      assertThat(k.maxConcurrentRequests()).isEqualTo(plain.maxConcurrentRequests());
      assertThat(k.outlierConsecutiveFailures()).isEqualTo(plain.outlierConsecutiveFailures());
      assertThat(k.outlierEjectionTime()).isEqualTo(plain.outlierEjectionTime());
      assertThat(k.sni()).isEmpty();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> shown = (Map<String, Object>) ((List<Object>) c.toRedactedMap().get("clusters")).get(0);
    assertThat(shown).containsEntry("connectTimeout", Durations.format(plain.connectTimeout()))
        .containsEntry("requestTimeout", Durations.format(plain.requestTimeout()))
        .containsEntry("version", plain.version().name())
        .containsEntry("loadBalancer", plain.loadBalancerName())
        .containsEntry("maxConcurrentRequests", plain.maxConcurrentRequests())
        .containsEntry("outlierDetection", Map.of(
            "consecutiveFailures", plain.outlierConsecutiveFailures(),
            "ejectionTime", Durations.format(plain.outlierEjectionTime())))
        .doesNotContainKey("sni");
  }

  @Test
  void outlierDetectionWithOneKeyKeepsTheBuildersOtherValue() {
    RouterConfig c = RouterConfig.parse("""
        {"resolver": {"type": "fixed", "hosts": {"a.example": "us_east1"}},
         "clusters": [{"name": "a", "endpoints": ["http://127.0.0.1:1"],
                       "outlierDetection": {"consecutiveFailures": 2}},
                      {"name": "b", "endpoints": ["http://127.0.0.1:1"],
                       "outlierDetection": {"ejectionTime": "1m"}}]}""", "config.json");
    Cluster plain = Cluster.named("x").endpoint("http://127.0.0.1:1").build();

    assertThat(c.clusters().get(0).outlierConsecutiveFailures()).isEqualTo(2);
    assertThat(c.clusters().get(0).outlierEjectionTime()).isEqualTo(plain.outlierEjectionTime());
    assertThat(c.clusters().get(1).outlierConsecutiveFailures()).isEqualTo(plain.outlierConsecutiveFailures());
    assertThat(c.clusters().get(1).outlierEjectionTime()).isEqualTo(Duration.ofMinutes(1));
    Cluster built = c.clusters().get(0).toClusterBuilder().build();
    assertThat(built.outlierConsecutiveFailures()).isEqualTo(2);
  }

  @Test
  void everyClusterKeyTheFileSetsReachesTheBuiltCluster() {
    RouterConfig c = RouterConfig.load(resource("full.json"));
    ClusterConfig central = c.clusters().get(1);

    Cluster k = central.toClusterBuilder().build();

    assertThat(k.sni()).isEqualTo(central.sni());
    assertThat(k.requestTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(k.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(k.loadBalancerName()).isEqualTo("least_request");
    assertThat(k.maxConcurrentRequests()).isEqualTo(64);
    assertThat(k.outlierConsecutiveFailures()).isEqualTo(3);
    assertThat(k.outlierEjectionTime()).isEqualTo(Duration.ofHours(1));
  }
}
