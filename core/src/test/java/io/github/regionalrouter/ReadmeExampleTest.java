package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's fluent example, kept compiling and building. */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleBuildsARouterThatMirrorsTheOriginalSetup() {
    try (RegionalRouter router =
        RegionalRouter.builder()
            .routingHeader("region")
            .resolver(
                RegionResolvers.httpDiscovery("http://discovery:8080/anything?region={host}")
                    .regionPointer("/args/region")
                    .timeout(Duration.ofSeconds(5)))
            .cache(
                ResolverCache.ofTtl(Duration.ofSeconds(30))
                    .withMaxEntries(100_000)
                    .withStaleIfError(Duration.ofMinutes(5)))
            .fallbackRegion("us_east1")
            .cluster(
                Cluster.named("us_east1")
                    .endpoint("https://10.0.0.1:443")
                    .sni("api.example.com")
                    .connectTimeout(Duration.ofSeconds(5)))
            .cluster(Cluster.named("us_central1").endpoint("http://10.0.1.1:8080"))
            .responseHeader("Processed-By", "Regional Router")
            .build()) {
      assertThat(router.routingHeader()).isEqualTo("region");
      assertThat(router.clusters().get("us_east1").definition().sni()).hasValue("api.example.com");
      assertThat(router.cacheSettings().orElseThrow().staleIfError()).isEqualTo(Duration.ofMinutes(5));
      assertThat(router.responseHeaders()).containsEntry("Processed-By", "Regional Router");
    }
  }
}
