package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** decide() against a real discovery server on loopback, through the real cache. */
@Timeout(30)
class RouterDiscoveryIntegrationTest {
  private final MockWebServer discovery = new MockWebServer();
  private final CountDownLatch release = new CountDownLatch(1);
  private ExecutorService callers;
  private RegionalRouter router;

  @BeforeEach
  void start() throws Exception {
    discovery.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            // hold every answer until all callers are waiting, so that they all miss together
            release.await(10, TimeUnit.SECONDS);
            String host = request.getUrl().queryParameter("region");
            String region = host.charAt(0) % 2 == 0 ? "us_east1" : "us_central1";
            return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body("{\"args\":{\"region\":\"" + region + "\"}}")
                .build();
          }
        });
    discovery.start(java.net.InetAddress.getLoopbackAddress(), 0);
    router =
        RegionalRouter.builder()
            .resolver(
                RegionResolvers.httpDiscovery(
                        "http://127.0.0.1:" + discovery.getPort() + "/anything?region={host}")
                    .regionPointer("/args/region")
                    // 100 connections at once overflow the server's accept backlog (50): the
                    // kernel retries dropped SYNs after 1 s, longer than the default connect timeout
                    .httpClient(
                        java.net.http.HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .build())
                    .timeout(Duration.ofSeconds(8)))
            .cache(ResolverCache.ofTtl(Duration.ofMinutes(5)))
            .resolveTimeout(Duration.ofSeconds(10))
            .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:18081"))
            .cluster(Cluster.named("us_central1").endpoint("http://127.0.0.1:18082"))
            .build();
    callers = Executors.newFixedThreadPool(16);
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (callers != null) {
      callers.shutdownNow();
    }
    if (router != null) {
      router.close();
    }
    discovery.close();
  }

  private List<CompletableFuture<RouteDecision>> decideConcurrently(List<String> hosts)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(hosts.size());
    List<CompletableFuture<RouteDecision>> results = new ArrayList<>();
    for (String host : hosts) {
      CompletableFuture<RouteDecision> result = new CompletableFuture<>();
      results.add(result);
      callers.execute(
          () -> {
            InboundRequest request = InboundRequest.builder().header("Host", host).build();
            router.decide(request).whenComplete((d, e) -> {
              if (e != null) {
                result.completeExceptionally(e);
              } else {
                result.complete(d);
              }
            });
            ready.countDown();
          });
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown();
    CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
    return results;
  }

  @Test
  void thousandConcurrentDecisionsForOneUncachedHostMakeExactlyOneDiscoveryCall() throws Exception {
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      hosts.add("b.example");
    }
    List<CompletableFuture<RouteDecision>> results = decideConcurrently(hosts);
    assertThat(results).allSatisfy(f -> assertThat(f.join().cluster().name()).isEqualTo("us_east1"));
    assertThat(discovery.getRequestCount()).isEqualTo(1);
  }

  @Test
  void concurrentDecisionsForHundredHostsMakeExactlyHundredDiscoveryCalls() throws Exception {
    List<String> hosts = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 100; i++) {
        hosts.add((char) ('a' + i % 26) + "host" + i + ".example");
      }
    }
    List<CompletableFuture<RouteDecision>> results = decideConcurrently(hosts);
    assertThat(results).allSatisfy(f -> assertThat(f.join().region()).startsWith("us_"));
    assertThat(discovery.getRequestCount()).isEqualTo(100);
    assertThat(router.cacheStats().orElseThrow().loads()).isEqualTo(100);
    assertThat(router.stats().resolverCalls()).isEqualTo(100);
    assertThat(router.stats().cacheMisses()).isEqualTo(1000);
  }

  @Test
  void aCachedHostIsDecidedSynchronouslyWithoutAnotherCall() throws Exception {
    release.countDown();
    InboundRequest request = InboundRequest.builder().header("Host", "b.example").build();
    router.decide(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<RouteDecision> second = router.decide(request).toCompletableFuture();
    assertThat(second).isDone();
    assertThat(second.join().regionSource()).isEqualTo(RegionSource.CACHE);
    assertThat(discovery.getRequestCount()).isEqualTo(1);
    assertThat(router.stats().cacheHits()).isEqualTo(1);
  }
}
