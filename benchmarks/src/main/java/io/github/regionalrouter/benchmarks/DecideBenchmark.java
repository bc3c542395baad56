package io.github.regionalrouter.benchmarks;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import io.github.regionalrouter.route.RouteSelector;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code RegionalRouter.decide()} on a cache hit: 100 hosts rotating, every region cached. Run
 * with {@code -prof gc} to see bytes allocated per decision. Targets: at most 150 ns/op and 64 B/op.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DecideBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecideBenchmark {
  private static final int HOSTS = 100;

  private RegionalRouter byHeader;
  private RegionalRouter byTable;
  private InboundRequest[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Map<String, String> regions = new HashMap<>();
    requests = new InboundRequest[HOSTS];
    for (int i = 0; i < HOSTS; i++) {
      String host = "host" + i + ".example.com";
      regions.put(host, i % 2 == 0 ? "us_east1" : "us_central1");
      requests[i] =
          InboundRequest.builder()
              .target("/api/v1/items?id=" + i)
              .header("Host", host)
              .header("User-Agent", "jmh")
              .header("region", "client-sent")
              .build();
    }
    byHeader = router(regions).build();
    byTable =
        router(regions)
            .routeSelector(
                RouteSelector.table()
                    .route("admin.example.com", "/", "us_east1")
                    .route("*.example.com", "/static/", "us_central1")
                    .route("*", "/", RouteSelector.byHeader("region"))
                    .build())
            .build();
    for (InboundRequest r : requests) { // fill the caches
      byHeader.decide(r).toCompletableFuture().join();
      byTable.decide(r).toCompletableFuture().join();
    }
  }

  private static RegionalRouter.Builder router(Map<String, String> regions) {
    return RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(regions))
        .cache(ResolverCache.ofTtl(Duration.ofHours(1)))
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:18081"))
        .cluster(Cluster.named("us_central1").endpoint("http://127.0.0.1:18082"))
        .responseHeader("Processed-By", "Regional Router");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    byHeader.close();
    byTable.close();
  }

  private InboundRequest nextRequest() {
    int i = next + 1;
    if (i == HOSTS) {
      i = 0;
    }
    next = i;
    return requests[i];
  }

  /** Cache hit, cluster from the routing header (Envoy's cluster_header). */
  @Benchmark
  public RouteDecision decideCacheHit() {
    CompletionStage<RouteDecision> stage = byHeader.decide(nextRequest());
    return stage.toCompletableFuture().getNow(null);
  }

  /** Cache hit, cluster from a three-rule route table. */
  @Benchmark
  public RouteDecision decideCacheHitRouteTable() {
    CompletionStage<RouteDecision> stage = byTable.decide(nextRequest());
    return stage.toCompletableFuture().getNow(null);
  }
}
