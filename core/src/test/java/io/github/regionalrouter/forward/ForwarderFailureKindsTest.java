package io.github.regionalrouter.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.forward.ForwarderFastLaneTest.Sink;
import io.github.regionalrouter.internal.upstream.ScriptedUpstream;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How an upstream failure before the response head is counted, in both lanes (the fast lane and
 * java.net.http): by the exception's type, never its message.
 */
@Timeout(20)
class ForwarderFailureKindsTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  private ScriptedUpstream upstream;
  private RegionalRouter router;
  private Forwarder forwarder;

  @AfterEach
  void stop() throws IOException {
    if (forwarder != null) {
      forwarder.close();
    }
    if (router != null) {
      router.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** An upstream that closes its first {@code closing} connections after reading a head, then answers. */
  private void start(int closing, boolean fastLane, boolean retries) throws IOException {
    AtomicInteger n = new AtomicInteger();
    upstream = new ScriptedUpstream((s, in) -> {
      boolean close = n.incrementAndGet() <= closing;
      while (ScriptedUpstream.readHead(in) != null) {
        if (close) {
          return; // not one byte of an answer
        }
        s.getOutputStream().write(OK.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
    });
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "r1")))
        .noCache()
        .cluster(Cluster.named("r1").endpoint("http://127.0.0.1:" + upstream.port()))
        .build();
    forwarder = Forwarder.builder(router).fastLane(fastLane).retries(retries).eventLoops(1).build();
  }

  private Sink get() throws Exception {
    InboundRequest request = InboundRequest.builder().method("GET").target("/x").header("Host", "a.example").build();
    Sink sink = new Sink();
    forwarder.handle(request, RequestBody.empty(), sink).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.ended.await(5, TimeUnit.SECONDS)).isTrue();
    return sink;
  }

  @ParameterizedTest(name = "fast lane {0}")
  @ValueSource(booleans = {true, false})
  void anUpstreamThatClosesBeforeAnyByteOfItsAnswerIsUnreachableNotAProtocolError(boolean fastLane)
      throws Exception {
    start(Integer.MAX_VALUE, fastLane, false);
    Sink s = get();
    assertThat(s.status).isEqualTo(502);
    assertThat(s.headers.get("X-Router-Error")).containsExactly("upstream_unreachable");
  }

  @ParameterizedTest(name = "fast lane {0}")
  @ValueSource(booleans = {true, false})
  void aGetWhoseUpstreamClosedBeforeAnsweringIsRetriedOnce(boolean fastLane) throws Exception {
    start(1, fastLane, true);
    Sink s = get();
    assertThat(s.status).isEqualTo(200);
    assertThat(s.text()).isEqualTo("ok");
    assertThat(upstream.accepted.get()).isEqualTo(2);
  }
}
