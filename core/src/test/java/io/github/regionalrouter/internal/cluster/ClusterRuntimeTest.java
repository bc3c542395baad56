package io.github.regionalrouter.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.Endpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClusterRuntimeTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private ClusterRuntime cluster(int endpoints) {
    Cluster.Builder b = Cluster.named("c").ticker(now::get);
    for (int i = 0; i < endpoints; i++) {
      b.endpoint("http://127.0.0.1:" + (10000 + i));
    }
    return new ClusterRuntime(b.outlierDetection(5, Duration.ofSeconds(30)).build());
  }

  @Test
  void roundRobinVisitsEveryEndpointInTurn() {
    ClusterRuntime c = cluster(3);
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      seen.add(c.pickEndpoint());
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(c.endpoints());
  }

  @Test
  void fiveConsecutiveFailuresEjectAnEndpointForTheEjectionTime() {
    ClusterRuntime c = cluster(2);
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
    ClusterRuntime c = cluster(2);
    Endpoint e = c.endpoints().get(0);
    for (int i = 0; i < 4; i++) {
      c.recordFailure(e);
    }
    c.recordSuccess(e);
    assertThat(c.recordFailure(e)).isFalse();
    assertThat(c.consecutiveFailures(e)).isEqualTo(1);
  }

  @Test
  void neverEjectsMoreThanHalfOfTheEndpoints() {
    ClusterRuntime c = cluster(4);
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
    ClusterRuntime c = cluster(1);
    for (int i = 0; i < 20; i++) {
      c.recordFailure(c.endpoints().get(0));
    }
    assertThat(c.pickEndpoint()).isEqualTo(c.endpoints().get(0));
  }

  @Test
  void concurrencyLimitRefusesPermitsBeyondTheMaximum() {
    ClusterRuntime c = new ClusterRuntime(
        Cluster.named("c").endpoint("http://127.0.0.1:1").maxConcurrentRequests(2).build());
    Endpoint e = c.endpoints().get(0);
    assertThat(c.tryAcquire(e)).isTrue();
    assertThat(c.tryAcquire(e)).isTrue();
    assertThat(c.tryAcquire(e)).isFalse();
    c.release(e);
    assertThat(c.tryAcquire(e)).isTrue();
    assertThat(c.inFlight()).isEqualTo(2);
    assertThat(c.inFlight(e)).isEqualTo(2);
  }

  @Test
  void leastRequestPrefersTheLessLoadedEndpoint() {
    ClusterRuntime c = new ClusterRuntime(
        Cluster.named("c")
            .endpoint("http://127.0.0.1:1")
            .endpoint("http://127.0.0.1:2")
            .loadBalancer("least_request")
            .build());
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
  void anEqualEndpointFindsItsStateAndAForeignOneIsRefusedByName() {
    ClusterRuntime c = cluster(2);
    Endpoint equal = Endpoint.parse("http://127.0.0.1:10001");
    assertThat(c.tryAcquire(equal)).isTrue();
    assertThat(c.inFlight(c.endpoints().get(1))).isEqualTo(1);
    assertThatThrownBy(() -> c.inFlight(Endpoint.parse("http://127.0.0.1:9")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint: http://127.0.0.1:9 (expected: one of cluster c's");
  }

  @Test
  void runtimesOfOneDefinitionShareNoStateAndTheDefinitionHasNone() {
    Cluster given = Cluster.named("a").endpoint("http://127.0.0.1:1").maxConcurrentRequests(1).build();
    ClusterRegistry first = ClusterRegistry.of(List.of(given));
    ClusterRegistry second = ClusterRegistry.of(List.of(given));
    ClusterRuntime owned = first.get("a");
    assertThat(owned.definition()).isSameAs(given);
    assertThat(owned.tryAcquire(owned.endpoints().get(0))).isTrue();
    assertThat(second.get("a").inFlight()).isZero();
    first.close();
    assertThatThrownBy(owned::httpClient).isInstanceOf(IllegalStateException.class);
    assertThat(second.get("a").httpClient()).as("the other registry's runtime is not closed").isNotNull();
    second.close();
  }

  @Test
  void theRegistryRefusesTwoClustersOfOneName() {
    Cluster a = Cluster.named("a").endpoint("http://127.0.0.1:1").build();
    assertThatThrownBy(() -> ClusterRegistry.of(List.of(a, a)))
        .hasMessage("cluster name: \"a\" (expected: unique)");
  }
}
