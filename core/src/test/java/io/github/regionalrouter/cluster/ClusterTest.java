package io.github.regionalrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClusterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private Cluster cluster(int endpoints) {
    Cluster.Builder b = Cluster.named("c").ticker(now::get);
    for (int i = 0; i < endpoints; i++) {
      b.endpoint("http://127.0.0.1:" + (10000 + i));
    }
    return b.outlierDetection(5, Duration.ofSeconds(30)).build();
  }

  @Test
  void roundRobinVisitsEveryEndpointInTurn() {
    Cluster c = cluster(3);
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      seen.add(c.pickEndpoint());
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(c.endpoints());
  }

  @Test
  void fiveConsecutiveFailuresEjectAnEndpointForTheEjectionTime() {
    Cluster c = cluster(2);
    Endpoint bad = c.endpoints().get(0);
    for (int i = 0; i < 4; i++) {
      assertThat(c.recordFailure(bad)).isFalse();
    }
    assertThat(c.recordFailure(bad)).isTrue();
    assertThat(c.isEjected(bad)).isTrue();
    for (int i = 0; i < 10; i++) {
      assertThat(c.pickEndpoint()).isEqualTo(c.endpoints().get(1));
    }
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(c.isEjected(bad)).isFalse();
  }

  @Test
  void aSuccessResetsTheFailureStreak() {
    Cluster c = cluster(2);
    Endpoint e = c.endpoints().get(0);
    for (int i = 0; i < 4; i++) {
      c.recordFailure(e);
    }
    c.recordSuccess(e);
    assertThat(c.recordFailure(e)).isFalse();
    assertThat(e.consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void neverEjectsMoreThanHalfOfTheEndpoints() {
    Cluster c = cluster(4);
    for (Endpoint e : c.endpoints()) {
      for (int i = 0; i < 5; i++) {
        c.recordFailure(e);
      }
    }
    assertThat(c.ejectedEndpoints()).isEqualTo(2);
    assertThat(c.pickEndpoint()).isNotNull();
  }

  @Test
  void theOnlyEndpointIsNeverEjected() {
    Cluster c = cluster(1);
    for (int i = 0; i < 20; i++) {
      c.recordFailure(c.endpoints().get(0));
    }
    assertThat(c.pickEndpoint()).isEqualTo(c.endpoints().get(0));
  }

  @Test
  void concurrencyLimitRefusesPermitsBeyondTheMaximum() {
    Cluster c = Cluster.named("c").endpoint("http://127.0.0.1:1").maxConcurrentRequests(2).build();
    Endpoint e = c.endpoints().get(0);
    assertThat(c.tryAcquire(e)).isTrue();
    assertThat(c.tryAcquire(e)).isTrue();
    assertThat(c.tryAcquire(e)).isFalse();
    c.release(e);
    assertThat(c.tryAcquire(e)).isTrue();
    assertThat(c.inFlight()).isEqualTo(2);
  }

  @Test
  void leastRequestPrefersTheLessLoadedEndpoint() {
    Cluster c =
        Cluster.named("c")
            .endpoint("http://127.0.0.1:1")
            .endpoint("http://127.0.0.1:2")
            .loadBalancer("least_request")
            .build();
    Endpoint busy = c.endpoints().get(0);
    for (int i = 0; i < 10; i++) {
      c.tryAcquire(busy);
    }
    int idlePicks = 0;
    for (int i = 0; i < 200; i++) {
      if (c.pickEndpoint() != busy) {
        idlePicks++;
      }
    }
    // the busy one only wins when both draws land on it (about a quarter of the time)
    assertThat(idlePicks).isGreaterThan(100);
  }

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
  void registryOwnsCopiesOfItsClustersAndLeavesTheGivenOnesAlone() {
    Cluster given = Cluster.named("a").endpoint("http://127.0.0.1:1").maxConcurrentRequests(1).build();
    ClusterRegistry registry = ClusterRegistry.of(List.of(given));
    Cluster owned = registry.get("a");
    assertThat(owned).isNotSameAs(given);
    assertThat(owned.endpoints()).isEqualTo(given.endpoints());
    assertThat(owned.tryAcquire(owned.endpoints().get(0))).isTrue();
    assertThat(given.inFlight()).isZero();
    registry.close();
    assertThat(given.httpClient()).as("the given cluster is not closed").isNotNull();
    given.close();
  }
}
