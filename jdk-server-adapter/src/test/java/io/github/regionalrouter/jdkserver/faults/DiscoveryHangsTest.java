package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Case 15: a discovery service that hangs; one discovery call for many concurrent requests. */
@Timeout(60)
class DiscoveryHangsTest {
  final CountDownLatch release = new CountDownLatch(1);
  DiscoveryServer discovery;
  ProxyUnderTest proxy;

  @BeforeEach
  void hangingDiscovery() throws IOException {
    discovery = new DiscoveryServer();
    discovery.answer((ex, host) -> {
      try {
        release.await(60, TimeUnit.SECONDS); // held until the test releases it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      FaultRig.answer(ex, 200, "{\"region\":\"us_east1\"}");
    });
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (proxy != null) {
      proxy.close();
    }
    discovery.close();
  }

  @Test
  void aHangingDiscoveryGetsTheClientA503DiscoveryUnavailableAtTheResolveDeadline() throws IOException {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofSeconds(30)))
        .resolveTimeout(Duration.ofMillis(500)));

    long start = System.nanoTime();
    FaultRig.Reply reply = proxy.get("hang.example");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reply.status).as(reply.toString()).isEqualTo(503);
    assertThat(reply.header("X-Router-Error")).isEqualTo("discovery_unavailable");
    assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofMillis(500 + 3000));
    assertThat(discovery.calls("hang.example")).isEqualTo(1);
  }

  @Test
  void aHangingDiscoveryIsCutOffByItsOwnTimeoutWhenThatIsShorterThanTheResolveDeadline() throws IOException {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofMillis(300)))
        .resolveTimeout(Duration.ofSeconds(20)));

    long start = System.nanoTime();
    FaultRig.Reply reply = proxy.get("hang.example");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reply.status).as(reply.toString()).isEqualTo(503);
    assertThat(reply.header("X-Router-Error")).isEqualTo("discovery_unavailable");
    assertThat(took).isBetween(Duration.ofMillis(270), Duration.ofMillis(300 + 3000));
  }

  @Test
  void aHangingDiscoveryWithAFallbackRegionRoutesToTheFallbackAtTheDeadline() throws IOException {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofSeconds(30)))
        .resolveTimeout(Duration.ofMillis(500))
        .fallbackRegion("us_central1"));

    long start = System.nanoTime();
    FaultRig.Reply reply = proxy.get("hang.example");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reply.status).as(reply.toString()).isEqualTo(200);
    assertThat(reply.text()).isEqualTo("central");
    assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofMillis(500 + 3000));
  }

  @Test
  void aThousandConcurrentRequestsForOneUncachedHostMakeExactlyOneDiscoveryCall() throws Exception {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.httpDiscovery(discovery.template()).timeout(Duration.ofSeconds(40)))
        .cache(ResolverCache.defaults())
        .resolveTimeout(Duration.ofSeconds(40)));
    int requests = 1000;
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Socket> sockets = new ArrayList<>();
    try {
      // every request on its own connection (1,000 connections): all are in the proxy at once
      List<Future<Socket>> opened = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        opened.add(clients.submit(() -> {
          Socket s = FaultRig.open(proxy.address());
          FaultRig.send(s, "GET / HTTP/1.1\r\nHost: one.example\r\nConnection: close\r\n\r\n");
          return s;
        }));
      }
      for (Future<Socket> f : opened) {
        sockets.add(f.get());
      }
      assertThat(FaultRig.eventually(Duration.ofSeconds(30), () -> proxy.server.inFlight() >= requests))
          .as("all %d requests in the proxy (in flight: %d)", requests, proxy.server.inFlight()).isTrue();
      assertThat(discovery.calls("one.example")).isEqualTo(1);

      release.countDown();
      List<Future<FaultRig.Reply>> replies = new ArrayList<>();
      for (Socket s : sockets) {
        replies.add(clients.submit(() -> FaultRig.read(s.getInputStream())));
      }
      for (Future<FaultRig.Reply> f : replies) {
        FaultRig.Reply reply = f.get();
        assertThat(reply.status).as(reply.toString()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("east");
      }
      assertThat(discovery.calls("one.example")).isEqualTo(1);
      assertThat(discovery.totalCalls()).isEqualTo(1);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      clients.shutdownNow();
    }
  }
}
