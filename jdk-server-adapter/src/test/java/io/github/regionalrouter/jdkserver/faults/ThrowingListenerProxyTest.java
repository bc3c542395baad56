package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.LogCapture;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingListener;
import io.github.regionalrouter.ThrowingListener;
import io.github.regionalrouter.jdkserver.RegionalProxyServer;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@link RoutingListener} that throws on every event, on the standalone proxy with a real
 * discovery service: requests on the cache-miss path (the lookup completes later, off the
 * request's thread) and on the cache-hit path (decided at once) get their right answers, a routing
 * failure its right status, nothing hangs, and the listener's throws are logged once a minute.
 */
@Timeout(30)
class ThrowingListenerProxyTest {
  private final ThrowingListener throwing = new ThrowingListener();
  private final AtomicInteger decisionsHeardAfterIt = new AtomicInteger();
  private DiscoveryServer discovery;
  private ProxyUnderTest proxy;
  private LogCapture log;

  @BeforeEach
  void discovery() throws IOException {
    discovery = new DiscoveryServer();
    discovery.answer(DiscoveryServer.region("us_east1"));
    log = new LogCapture();
  }

  @AfterEach
  void stop() {
    try {
      if (proxy != null) {
        proxy.close();
      }
      discovery.close();
    } finally {
      log.close();
    }
  }

  private void start(RegionalProxyServer.Engine engine) throws IOException {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofSeconds(2)))
        .cache(ResolverCache.ofTtl(Duration.ofMinutes(5)))
        .resolveTimeout(Duration.ofSeconds(5))
        .listener(throwing)
        .listener(new RoutingListener() {
          @Override
          public void onDecision(RouteDecision decision) {
            decisionsHeardAfterIt.incrementAndGet();
          }
        }), s -> s.engine(engine));
  }

  @ParameterizedTest
  @EnumSource(RegionalProxyServer.Engine.class)
  void requestsOnTheCacheMissAndCacheHitPathsGetTheirAnswers(RegionalProxyServer.Engine engine) throws IOException {
    start(engine);

    FaultRig.Reply miss = proxy.get("a.example");
    FaultRig.Reply hit = proxy.get("a.example");

    assertThat(miss.status).as("%s", miss).isEqualTo(200);
    assertThat(miss.text()).isEqualTo("east");
    assertThat(hit.status).as("%s", hit).isEqualTo(200);
    assertThat(hit.text()).isEqualTo("east");
    assertThat(discovery.calls("a.example")).as("the second request was a cache hit").isEqualTo(1);
    assertThat(proxy.router.cacheStats().orElseThrow().hits()).isEqualTo(1);
    assertThat(throwing.calls.get()).as("the listener heard (and threw on) the events").isGreaterThanOrEqualTo(6);
    assertThat(decisionsHeardAfterIt.get()).as("the next listener still heard each decision").isEqualTo(2);
    // once per listener per minute, however often it threw
    assertThat(log.linesContaining("routing listener throwing-listener threw")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(RegionalProxyServer.Engine.class)
  void aRoutingFailureKeepsItsStatus(RegionalProxyServer.Engine engine) throws IOException {
    start(engine);
    discovery.answer(DiscoveryServer.region("eu_west9")); // no such cluster

    FaultRig.Reply failed = proxy.get("b.example");

    assertThat(failed.status).as("%s", failed).isEqualTo(503);
    assertThat(failed.header("X-Router-Error")).isEqualTo("cluster_not_found");
    assertThat(throwing.calls.get()).isPositive();
  }
}
