package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.resolve.CacheStats;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Case 16: discovery fails in each way it can (500, refused connections, invalid JSON, a 10 MB
 * body, JSON nested 5,000 deep, an unsafe region). A host whose answer went stale is still routed
 * by that answer inside stale-if-error; a host never seen gets 503 {@code discovery_unavailable}
 * (or the fallback region); and after each, the proxy is healthy.
 */
@Timeout(30)
class DiscoveryFailuresTest {
  static final Duration TTL = Duration.ofMillis(200);

  /** The ways discovery fails. */
  enum Fault {
    ANSWERS_500,
    REFUSES_CONNECTIONS,
    SENDS_INVALID_JSON,
    SENDS_A_10_MB_BODY,
    SENDS_JSON_NESTED_5000_DEEP,
    NAMES_AN_UNSAFE_REGION;

    void inject(DiscoveryServer discovery) {
      switch (this) {
        case ANSWERS_500:
          discovery.answer(DiscoveryServer.status(500, "{\"error\":\"boom\"}"));
          break;
        case REFUSES_CONNECTIONS:
          discovery.stop();
          break;
        case SENDS_INVALID_JSON:
          discovery.answer(DiscoveryServer.status(200, "{\"region\": us_east1"));
          break;
        case SENDS_A_10_MB_BODY:
          discovery.answer(DiscoveryServer.huge(10 * 1024 * 1024));
          break;
        case SENDS_JSON_NESTED_5000_DEEP:
          discovery.answer(DiscoveryServer.status(200,
              "{\"region\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
          break;
        case NAMES_AN_UNSAFE_REGION:
          discovery.answer(DiscoveryServer.status(200, "{\"region\":\"../x\"}"));
          break;
        default:
          throw new AssertionError(this);
      }
    }

    void heal(DiscoveryServer discovery) throws IOException {
      if (this == REFUSES_CONNECTIONS) {
        discovery.restart();
      }
      discovery.answer(DiscoveryServer.region("us_central1"));
    }
  }

  DiscoveryServer discovery;
  ProxyUnderTest proxy;

  @BeforeEach
  void discovery() throws IOException {
    discovery = new DiscoveryServer();
    discovery.answer(DiscoveryServer.region("us_east1"));
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    discovery.close();
  }

  void startProxy(String fallbackRegion) throws IOException {
    proxy = new ProxyUnderTest(r -> {
      r.resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofSeconds(2)))
          .cache(ResolverCache.ofTtl(TTL)
              .withStaleWhileRevalidate(Duration.ZERO)
              .withStaleIfError(Duration.ofMinutes(1))
              .withErrorBackoff(Duration.ZERO))
          .resolveTimeout(Duration.ofSeconds(5));
      if (fallbackRegion != null) {
        r.fallbackRegion(fallbackRegion);
      }
    });
  }

  CacheStats cache() {
    return proxy.router.cacheStats().orElseThrow();
  }

  @ParameterizedTest(name = "when discovery {0}, a stale answer is served, an unseen host gets 503, and the proxy stays healthy")
  @EnumSource(Fault.class)
  void whenDiscoveryFailsAStaleAnswerIsServedAndAnUnseenHostGets503(Fault fault) throws IOException {
    startProxy(null);
    FaultRig.Reply first = proxy.get("cached.example");
    assertThat(first.status).as(first.toString()).isEqualTo(200);
    assertThat(first.text()).isEqualTo("east");

    fault.inject(discovery);
    long failures = cache().loadFailures();
    // the real clock: the answer goes stale after the 200 ms TTL; the next lookup calls discovery,
    // which fails, and the stale answer is served
    List<FaultRig.Reply> meanwhile = new ArrayList<>();
    boolean refreshFailed = FaultRig.eventually(Duration.ofSeconds(10), () -> {
      meanwhile.add(proxy.get("cached.example"));
      return cache().loadFailures() > failures;
    });
    assertThat(refreshFailed).as("a refresh of the stale answer failed").isTrue();
    // discovery failed for this host, yet it is still routed by the old answer: served stale
    meanwhile.add(proxy.get("cached.example"));
    assertThat(meanwhile).allSatisfy(r -> {
      assertThat(r.status).as(r.toString()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("east");
    });

    FaultRig.Reply unseen = proxy.get("unseen.example");
    assertThat(unseen.status).as(unseen.toString()).isEqualTo(503);
    assertThat(unseen.header("X-Router-Error")).isEqualTo("discovery_unavailable");

    fault.heal(discovery);
    FaultRig.Reply after = proxy.get("after.example");
    assertThat(after.status).as(after.toString()).isEqualTo(200);
    assertThat(after.text()).isEqualTo("central");
    assertThat(proxy.ready()).isEqualTo(200);
  }

  @ParameterizedTest(name = "when discovery {0}, an unseen host is routed to the fallback region")
  @EnumSource(Fault.class)
  void whenDiscoveryFailsAnUnseenHostIsRoutedToTheFallbackRegion(Fault fault) throws IOException {
    startProxy("us_central1");
    fault.inject(discovery);

    FaultRig.Reply unseen = proxy.get("unseen.example");

    assertThat(unseen.status).as(unseen.toString()).isEqualTo(200);
    assertThat(unseen.text()).isEqualTo("central");
    fault.heal(discovery);
    assertThat(proxy.ready()).isEqualTo(200);
  }
}
