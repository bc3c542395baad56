package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.LogCapture;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An event loop of the standalone proxy that dies is logged at ERROR and takes the proxy out of service. */
@Timeout(30)
class StandaloneProxyLoopDeathTest {
  private final Upstream east;
  private final RegionalRouter router;
  private RegionalProxyServer proxy;

  StandaloneProxyLoopDeathTest() throws IOException {
    east = new Upstream("east");
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint(east.uri()))
        .build();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    router.close();
    east.close();
  }

  private RawHttp.Response get() throws IOException {
    return RawHttp.send(proxy.address().getPort(), "GET /x HTTP/1.1", "Host: a.example");
  }

  private RawHttp.Response ready() throws IOException {
    return RawHttp.send(proxy.adminAddress().orElseThrow().getPort(), "GET /ready HTTP/1.1", "Host: admin");
  }

  /** Throws {@code death} on the loop's thread; returns once the loop has recorded it. */
  private static void kill(SelectorLoop loop, Error death) throws InterruptedException {
    CountDownLatch wound = new CountDownLatch(1);
    loop.execute(() -> {
      throw death;
    });
    loop.execute(wound::countDown); // runs while the dead loop winds down, after it logged
    assertThat(wound.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aLoopKilledByAnErrorIsLoggedAtErrorAndTheProxyIsNotReadyAndStopsAccepting() throws Exception {
    proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).eventLoops(1)
        .admin(new InetSocketAddress("127.0.0.1", 0)).drainTimeout(Duration.ofSeconds(1)).start();
    assertThat(get().status).isEqualTo(200);
    assertThat(ready().status).isEqualTo(200);
    assertThat(proxy.isReady()).isTrue();
    SelectorLoop loop = proxy.forwarder().eventLoops().get(0);

    try (LogCapture log = new LogCapture()) {
      kill(loop, new AssertionError("test: the loop dies"));

      assertThat(log.text()).contains("ERROR").contains("event loop " + loop.name() + " died")
          .contains("java.lang.AssertionError: test: the loop dies");
    }
    RawHttp.Response ready = ready();
    assertThat(ready.status).isEqualTo(503);
    assertThat(ready.text()).contains("an event loop died").contains("AssertionError");
    assertThat(proxy.isReady()).isFalse();
    // the next connection finds the dead loop: it is closed unanswered and the listener with it
    RawHttp.Response lost = get();
    assertThat(lost.aborted).isTrue();
    assertThatThrownBy(this::get).isInstanceOf(ConnectException.class);
  }

  @Test
  void onTheJdkEngineADeadFastLaneLoopMakesTheProxyNotReady() throws Exception {
    proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
        .engine(RegionalProxyServer.Engine.JDK_HTTPSERVER).forwarderOptions(f -> f.eventLoops(1))
        .admin(new InetSocketAddress("127.0.0.1", 0)).drainTimeout(Duration.ofSeconds(1)).start();
    assertThat(get().status).isEqualTo(200);
    assertThat(ready().status).isEqualTo(200);

    kill(proxy.forwarder().eventLoops().get(0), new AssertionError("test: the loop dies"));

    assertThat(proxy.forwarder().eventLoopFailure()).hasMessage("test: the loop dies");
    assertThat(ready().status).isEqualTo(503);
  }
}
