package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.LogCapture;
import io.github.regionalrouter.internal.loop.ForwarderLoops;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import io.github.regionalrouter.jdkserver.RegionalProxyServer;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An event loop of the standalone proxy that dies is logged at ERROR and takes the proxy out of service. */
@Timeout(30)
class EventLoopDeathTest {
  private ProxyUnderTest proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private void start(Consumer<RegionalProxyServer.Builder> serving) throws Exception {
    proxy = new ProxyUnderTest(r -> r.resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1"))).noCache(),
        serving);
    assertThat(proxy.get("a.example").status).isEqualTo(200);
    assertThat(proxy.ready()).isEqualTo(200);
    assertThat(proxy.server.isReady()).isTrue();
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
    start(s -> s.eventLoops(1));
    SelectorLoop loop = ForwarderLoops.of(proxy.server.forwarder()).get(0);

    try (LogCapture log = new LogCapture()) {
      kill(loop, new AssertionError("test: the loop dies"));

      assertThat(log.text()).contains("ERROR").contains("event loop " + loop.name() + " died")
          .contains("java.lang.AssertionError: test: the loop dies");
    }
    assertThat(proxy.ready()).isEqualTo(503);
    assertThat(proxy.server.isReady()).isFalse();
    // the next connection finds the dead loop: it is closed unanswered and the listener with it
    FaultRig.Reply lost = proxy.get("a.example");
    assertThat(lost.aborted).as("%s", lost).isTrue();
    // the acceptor closes its listener while the client already reads the unanswered close, so a
    // connect right after may still be accepted (and closed unanswered): the listener is gone
    // within a few attempts, and nothing is ever served
    boolean refused = false;
    for (int attempt = 0; attempt < 100 && !refused; attempt++) {
      try {
        FaultRig.Reply r = proxy.get("a.example");
        assertThat(r.aborted).as("%s", r).isTrue();
      } catch (UncheckedIOException e) {
        assertThat(e).hasCauseInstanceOf(ConnectException.class);
        refused = true;
      }
    }
    assertThat(refused).as("connections refused once the listener is closed").isTrue();
  }

  @Test
  void onTheJdkEngineADeadFastLaneLoopMakesTheProxyNotReady() throws Exception {
    start(s -> s.engine(RegionalProxyServer.Engine.JDK_HTTPSERVER).forwarderOptions(f -> f.eventLoops(1)));

    kill(ForwarderLoops.of(proxy.server.forwarder()).get(0), new AssertionError("test: the loop dies"));

    assertThat(proxy.server.forwarder().eventLoopFailure()).hasMessage("test: the loop dies");
    assertThat(proxy.ready()).isEqualTo(503);
  }
}
