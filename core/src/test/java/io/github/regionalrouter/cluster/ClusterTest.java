package io.github.regionalrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterTest {
  @Test
  void definitionsAreValidatedWithMessagesThatNameTheField() {
    assertThatThrownBy(() -> Cluster.named("../x"))
        .hasMessage("cluster name: \"../x\" (expected: 1-64 of A-Z a-z 0-9 _ . -)");
    assertThatThrownBy(() -> Cluster.named("c").endpoint("ftp://a:1"))
        .hasMessage("endpoint: \"ftp://a:1\" (expected: http://host:port or https://host:port)");
    assertThatThrownBy(() -> Cluster.named("c").endpoint("http://a:1/path"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cluster.named("c").connectTimeout(Duration.ZERO))
        .hasMessage("connectTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Cluster.named("c").build())
        .hasMessageContaining("endpoints (expected: at least one)");
    assertThatThrownBy(() -> Cluster.named("c").loadBalancer("random"))
        .hasMessageContaining("round_robin or least_request");
    assertThatThrownBy(
            () -> Cluster.named("c").endpoint("https://a.example:443").sni("b.example").build())
        .hasMessageContaining("sni \"b.example\" differs from endpoint host \"a.example\"");
  }

  @Test
  void endpointsParseTheirDefaultPorts() {
    assertThat(Endpoint.parse("https://Api.Example.com").authority()).isEqualTo("api.example.com:443");
    assertThat(Endpoint.parse("http://10.0.0.1/").port()).isEqualTo(80);
    assertThat(Endpoint.parse("http://[::1]:8080").authority()).isEqualTo("[::1]:8080");
    assertThat(Endpoint.parse("http://[::1]:8080").isIpLiteral()).isTrue();
  }

  @Test
  void theDefinitionAndItsEndpointsAreImmutableValuesWithNoRuntimeState() {
    for (Class<?> type : new Class<?>[] {Cluster.class, Endpoint.class}) {
      assertThat(Arrays.stream(type.getDeclaredFields())
              .filter(f -> !Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers()))
              .map(Field::getName))
          .as("mutable fields of %s", type.getSimpleName()).isEmpty();
      assertThat(AutoCloseable.class.isAssignableFrom(type)).as("%s owns nothing to close", type).isFalse();
    }
    assertThat(Arrays.stream(Cluster.class.getMethods()).map(Method::getName).collect(Collectors.toSet()))
        .as("runtime operations live in the router's internal ClusterRuntime")
        .doesNotContain("tryAcquire", "release", "recordSuccess", "recordFailure", "pickEndpoint",
            "httpClient", "close", "inFlight", "isEjected", "ejectedEndpoints");
    assertThat(Arrays.stream(Endpoint.class.getMethods()).map(Method::getName).collect(Collectors.toSet()))
        .doesNotContain("inFlight", "consecutiveFailures", "isEjected");
  }
}
