package example;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.util.Map;

/** Builds a router on a fixed resolver, decides one request and prints the decision. */
public final class Newcomer {
  public static void main(String[] args) throws Exception {
    try (RegionalRouter router = RegionalRouter.builder()
        .routingHeader("region")
        .resolver(RegionResolvers.fixed(Map.of("api.example.com", "us_central1")))
        .cluster(Cluster.named("us_east1").endpoint("http://10.0.0.1:8080"))
        .cluster(Cluster.named("us_central1").endpoint("http://10.0.1.1:8080"))
        .build()) {
      InboundRequest request = InboundRequest.builder()
          .method("GET").target("/orders/42").header("Host", "api.example.com").build();
      RouteDecision d = router.decide(request).toCompletableFuture().get();
      System.out.println("decision: " + d.region() + " -> " + d.cluster().name() + " " + d.endpoint());
    }
  }
}
