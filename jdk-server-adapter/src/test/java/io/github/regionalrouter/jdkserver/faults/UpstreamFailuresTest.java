package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Case 19: an upstream that resets mid-response, one that accepts and never answers, one that
 * refuses; the client sees an abort, a 504, a 502, and nothing leaks: threads and descriptors
 * return to their level after a burst of such requests.
 */
@Timeout(60)
class UpstreamFailuresTest {
  static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

  final ExecutorService proxyThreads = Executors.newFixedThreadPool(16);
  RawUpstream resetting;
  RawUpstream silent;
  ProxyUnderTest proxy;

  @BeforeEach
  void start() throws IOException {
    resetting = new RawUpstream(RawUpstream.resetMidBody());
    silent = new RawUpstream(RawUpstream.silent());
    String refused = ProxyUnderTest.refusedEndpoint().toString();
    proxy = new ProxyUnderTest(
        r -> r.resolver(RegionResolvers.fixed(Map.of(
                "reset.example", "resetting", "silent.example", "silent", "refused.example", "refusing")))
            .noCache()
            .cluster(Cluster.named("resetting").endpoint(resetting.uri()))
            .cluster(Cluster.named("silent").endpoint(silent.uri()).requestTimeout(REQUEST_TIMEOUT))
            .cluster(Cluster.named("refusing").endpoint(refused)),
        s -> s.executor(proxyThreads));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    resetting.close();
    silent.close();
    proxyThreads.shutdownNow();
  }

  @Test
  void anUpstreamThatResetsMidResponseMakesTheProxyAbortTheClientResponse() {
    FaultRig.Reply reply = proxy.get("reset.example");

    // never a 200 whose body looks complete: an abort, or a 502 if nothing had been sent yet
    assertThat(reply.aborted || reply.status == 502).as(reply.head).isTrue();
    assertThat(reply.body.length).isLessThan(100_000);
  }

  @Test
  void anUpstreamThatAcceptsAndNeverAnswersGets504AtTheRequestTimeout() {
    long start = System.nanoTime();
    FaultRig.Reply reply = proxy.get("silent.example");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reply.status).as(reply.toString()).isEqualTo(504);
    assertThat(reply.header("X-Router-Error")).isEqualTo("upstream_timeout");
    assertThat(took).isBetween(REQUEST_TIMEOUT.minusMillis(50), REQUEST_TIMEOUT.plusSeconds(3));
    assertThat(FaultRig.eventually(Duration.ofSeconds(10), () -> silent.openConnections() == 0))
        .as("the proxy closed its connection to the silent upstream").isTrue();
  }

  @Test
  void anUpstreamThatRefusesConnectionsGets502() {
    FaultRig.Reply reply = proxy.get("refused.example");

    assertThat(reply.status).as(reply.toString()).isEqualTo(502);
    assertThat(reply.header("X-Router-Error")).isEqualTo("upstream_unreachable");
  }

  @Test
  void aBurstOfFailingRequestsLeavesNoThreadOrConnectionBehind() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try {
      burst(clients, 60); // warm-up: pools, JIT, the clients' threads
      assertThat(settled(Duration.ofSeconds(15))).as("idle after the warm-up").isTrue();
      int threads = FaultRig.threads();
      long fds = FaultRig.openFds();

      List<FaultRig.Reply> replies = burst(clients, 200);

      for (FaultRig.Reply r : replies) {
        assertThat(r.aborted || r.status == 502 || r.status == 503 || r.status == 504).as(r.toString()).isTrue();
      }
      int threadBound = threads + Math.max(8, threads / 5);
      long fdBound = fds + Math.max(16, fds / 5);
      boolean back = FaultRig.eventually(Duration.ofSeconds(20), () -> settled(Duration.ZERO)
          && FaultRig.threads() <= threadBound && FaultRig.openFds() <= fdBound);
      assertThat(back).as("threads %d -> %d (bound %d), fds %d -> %d (bound %d), upstream connections %d + %d",
          threads, FaultRig.threads(), threadBound, fds, FaultRig.openFds(), fdBound,
          resetting.openConnections(), silent.openConnections()).isTrue();
    } finally {
      clients.shutdownNow();
    }
  }

  private boolean settled(Duration max) {
    return FaultRig.eventually(max, () -> proxy.server.inFlight() == 0
        && resetting.openConnections() == 0 && silent.openConnections() == 0);
  }

  private List<FaultRig.Reply> burst(ExecutorService clients, int n) throws Exception {
    String[] hosts = {"reset.example", "silent.example", "refused.example"};
    List<Future<FaultRig.Reply>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String host = hosts[i % hosts.length];
      futures.add(clients.submit(() -> proxy.get(host)));
    }
    List<FaultRig.Reply> replies = new ArrayList<>();
    for (Future<FaultRig.Reply> f : futures) {
      replies.add(f.get());
    }
    return replies;
  }
}
