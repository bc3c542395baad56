package io.github.regionalrouter.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.config.RouterConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegionResolversTest {
  private static final InboundRequest REQUEST = InboundRequest.builder().build();

  private static RegionAnswer resolve(RegionResolver resolver, String host) {
    return resolver.resolve(host, REQUEST).toCompletableFuture().join();
  }

  @Test
  void fixedMapPrefersExactHostsThenTheLongestWildcard() {
    RegionResolver r =
        RegionResolvers.fixed(
            Map.of(
                "api.example.com", "us_east1",
                "*.example.com", "us_central1",
                "*.eu.example.com", "eu_west1"));
    assertThat(resolve(r, "api.example.com").regionOrNull()).isEqualTo("us_east1");
    assertThat(resolve(r, "www.example.com").regionOrNull()).isEqualTo("us_central1");
    assertThat(resolve(r, "a.eu.example.com").regionOrNull()).isEqualTo("eu_west1");
    assertThat(resolve(r, "example.com").isKnown()).isFalse();
    assertThat(resolve(r, "other.org")).isEqualTo(RegionAnswer.unknown());
  }

  @Test
  void fixedMapRejectsUnsafeRegionsAndBadKeys() {
    assertThatThrownBy(() -> RegionResolvers.fixed(Map.of("a.com", "../x")))
        .hasMessageContaining("region: \"../x\"");
    assertThatThrownBy(() -> RegionResolvers.fixed(Map.of("a*.com", "x")))
        .hasMessageContaining("expected: an exact host or *.suffix");
  }

  @Test
  void firstCharacterSplitsHostsByTheParityOfTheirFirstCharacter() {
    RegionResolver r = RegionResolvers.firstCharacter("us_east1", "us_central1");
    assertThat(resolve(r, "b.com").regionOrNull()).isEqualTo("us_east1");
    assertThat(resolve(r, "c.com").regionOrNull()).isEqualTo("us_central1");
  }

  @Test
  void providersAreFoundWithServiceLoader() {
    RegionResolver r = RegionResolvers.fromProvider("constant", Map.of("region", "eu_west1"));
    assertThat(resolve(r, "any.example").regionOrNull()).isEqualTo("eu_west1");
    assertThatThrownBy(() -> RegionResolvers.fromProvider("nope", Map.of()))
        .hasMessageContaining("resolver type: \"nope\"")
        .hasMessageContaining("constant");
  }

  @Test
  void aConfigFileCanNameAThirdPartyResolver() {
    RouterConfig config =
        RouterConfig.parse(
            "{\"resolver\": {\"type\": \"constant\", \"region\": \"us_east1\"},"
                + " \"clusters\": [{\"name\": \"us_east1\", \"endpoints\": [\"http://127.0.0.1:1\"]}]}",
            "third-party.json");
    try (RegionalRouter router = config.buildRouter()) {
      InboundRequest request = InboundRequest.builder().header("Host", "x.example").build();
      assertThat(router.decide(request).toCompletableFuture().join().cluster().name())
          .isEqualTo("us_east1");
    }
  }
}
