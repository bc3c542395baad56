package io.github.regionalrouter.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.internal.upstream.ScriptedUpstream;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request body the adapter cannot read (a malformed chunk the container rejects mid-stream, a
 * client that stops short of its Content-Length) is the client's fault: 400 invalid_request, not
 * a 502 blaming the upstream, and the upstream never sees the request end as if complete.
 */
@Timeout(20)
class ForwarderClientBodyTest {
  private ScriptedUpstream upstream;
  private RegionalRouter router;
  private Forwarder forwarder;

  @AfterEach
  void stop() throws IOException {
    forwarder.close();
    router.close();
    upstream.close();
  }

  private ForwardResult forward(InputStream body, long length) throws Exception {
    upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "r1")))
        .noCache()
        .cluster(Cluster.named("r1").endpoint("http://127.0.0.1:" + upstream.port())
            .requestTimeout(Duration.ofSeconds(5)))
        .build();
    // java.net.http path: this upstream answers as soon as it has the head, which on the fast lane
    // is an early answer that wins over the body failure (ForwarderFastLaneTest covers that lane)
    forwarder = Forwarder.builder(router).fastLaneBodies(false).build();
    InboundRequest request = InboundRequest.builder().method("POST").target("/x").header("Host", "a.example").build();
    ForwarderFastLaneTest.Sink sink = new ForwarderFastLaneTest.Sink();
    ForwardResult result = forwarder.handle(request, RequestBody.of(body, length), sink)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.status).isEqualTo(400);
    assertThat(sink.headers.get("X-Router-Error")).containsExactly("invalid_request");
    return result;
  }

  private static InputStream failingAfter(String prefix) {
    return new SequenceInputStream(new ByteArrayInputStream(prefix.getBytes(StandardCharsets.US_ASCII)),
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("bad chunk size");
          }
        });
  }

  @Test
  void aChunkedBodyThatFailsToReadIsAnswered400InvalidRequest() throws Exception {
    ForwardResult result = forward(failingAfter("hel"), -1);

    assertThat(result.failure()).hasValue(FailureReason.INVALID_REQUEST);
  }

  @Test
  void aBodyShorterThanItsContentLengthIsAnswered400InvalidRequest() throws Exception {
    ForwardResult result = forward(new ByteArrayInputStream("hel".getBytes(StandardCharsets.US_ASCII)), 5);

    assertThat(result.failure()).hasValue(FailureReason.INVALID_REQUEST);
  }
}
