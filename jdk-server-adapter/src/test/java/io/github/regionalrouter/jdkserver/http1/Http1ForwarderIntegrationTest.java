package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.forward.ForwardResult;
import io.github.regionalrouter.forward.Forwarder;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The exchange plugged into core's Forwarder as request, body and sink, against a real upstream. */
@Timeout(30)
class Http1ForwarderIntegrationTest {
  /** What the upstream saw: routing header values and the body, or how reading it failed. */
  record Upstream(List<String> region, String body, String bodyError) {}

  private final List<Upstream> upstreamSaw = new CopyOnWriteArrayList<>();
  private final CompletableFuture<ForwardResult> lastResult = new CompletableFuture<>();
  private HttpServer upstream;
  private Http1Server server;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    upstream.createContext("/", ex -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      String error = null;
      try (InputStream in = ex.getRequestBody()) {
        in.transferTo(body);
      } catch (IOException e) {
        error = String.valueOf(e);
      }
      List<String> region = ex.getRequestHeaders().getOrDefault("region", List.of());
      upstreamSaw.add(new Upstream(region, body.toString(StandardCharsets.UTF_8), error));
      byte[] answer = ("upstream got " + body.size()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    upstream.start();
    RegionalRouter router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + upstream.getAddress().getPort()))
        .responseHeader("Processed-By", "Regional Router")
        .build();
    Forwarder forwarder = Forwarder.builder(router).build();
    server = Http1Server.builder()
        .handler(ex -> forwarder.handle(ex, ex, ex).thenAccept(lastResult::complete))
        .build().start();
  }

  @AfterEach
  void stop() {
    server.close(Duration.ZERO);
    upstream.stop(0);
  }

  @Test
  void chunkedBodyAndOurRoutingHeaderReachTheUpstreamAndItsAnswerComesBack() throws Exception {
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST /up HTTP/1.1\r\nHost: a.example\r\nregion: evil\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      RawClient.Response r = c.read();
      assertThat(r.status).isEqualTo(200);
      assertThat(r.text()).isEqualTo("upstream got 11");
      assertThat(r.header("Processed-By")).isEqualTo("Regional Router");
      // and the connection is kept for the next request
      RawClient.Response again = c.send("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n").read();
      assertThat(again.text()).isEqualTo("upstream got 0");
    }
    assertThat(upstreamSaw.get(0)).isEqualTo(new Upstream(List.of("us_east1"), "hello world", null));
  }

  @Test
  void aBadChunkMidBodyIsNeverForwardedAsACompleteBody() throws Exception {
    try (RawClient c = new RawClient(server.address())) {
      c.send("POST /up HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
      assertThat(readStatusOrClosed(c)).isIn(400, -1);
    }
    ForwardResult result = lastResult.get(10, TimeUnit.SECONDS);
    assertThat(result.status() >= 400 || result.aborted()).as(result.toString()).isTrue();
    for (Upstream u : upstreamSaw) {
      assertThat(u.bodyError()).as("upstream must not see a complete body: " + u).isNotNull();
    }
  }

  /** The status, or -1 if the connection closed (or was reset) without a response. */
  private static int readStatusOrClosed(RawClient c) {
    try {
      return c.read().status;
    } catch (IOException e) {
      return -1;
    }
  }
}
