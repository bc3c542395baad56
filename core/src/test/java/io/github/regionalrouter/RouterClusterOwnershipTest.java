package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.internal.cluster.ClusterRuntime;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who owns a cluster's runtime when one builder builds two routers. */
@Timeout(20)
class RouterClusterOwnershipTest {
  private HttpServer upstream;
  private URI uri;

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", exchange -> {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    uri = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    upstream.stop(0);
  }

  @Test
  void closingOneRouterLeavesTheClientsAndStateOfAnotherBuiltFromTheSameBuilderWorking() throws Exception {
    Cluster given = Cluster.named("r1").endpoint(uri.toString()).maxConcurrentRequests(1).build();
    RegionalRouter.Builder builder = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "r1")))
        .cluster(given);
    RegionalRouter first = builder.build();
    try (RegionalRouter second = builder.build()) {
      ClusterState firstState = first.clusters().get("r1");
      ClusterState secondState = second.clusters().get("r1");
      assertThat(secondState).isNotSameAs(firstState);
      assertThat(firstState.definition()).as("the definition is shared, it holds no state").isSameAs(given);
      ClusterRuntime firstCluster = ClusterRuntime.of(firstState);
      ClusterRuntime secondCluster = ClusterRuntime.of(secondState);
      assertThat(firstCluster.tryAcquire(firstCluster.endpoints().get(0))).isTrue();
      assertThat(secondCluster.tryAcquire(secondCluster.endpoints().get(0)))
          .as("the first router's permit is its own").isTrue();
      assertThat(secondState.inFlight()).isEqualTo(1);
      secondCluster.release(secondCluster.endpoints().get(0));
      firstCluster.httpClient();

      first.close();

      assertThatThrownBy(firstCluster::httpClient).isInstanceOf(IllegalStateException.class);
      HttpResponse<String> r = secondCluster.httpClient()
          .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("ok");
    }
  }

  @Test
  void theClustersOfARouterCannotBeChangedThroughItsView() {
    Cluster given = Cluster.named("r1").endpoint(uri.toString()).build();
    try (RegionalRouter router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "r1"))).cluster(given).build()) {
      assertThat(router.clusters()).containsOnlyKeys("r1");
      assertThatThrownBy(() -> router.clusters().remove("r1")).isInstanceOf(UnsupportedOperationException.class);
      assertThat(router.clusters().get("r1").endpoints()).isEqualTo(given.endpoints());
    }
  }
}
