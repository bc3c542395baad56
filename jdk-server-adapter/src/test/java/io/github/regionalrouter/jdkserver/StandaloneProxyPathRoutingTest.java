package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.config.RouterConfig;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Route rules match the normalized path end to end: the standalone proxy as {@link Main} builds it
 * from a config, a {@code /public} rule and an {@code /admin} rule, each to a real upstream on
 * loopback that records what reached it.
 */
@Timeout(30)
class StandaloneProxyPathRoutingTest {
  final MockWebServer discovery = new MockWebServer();
  RecordingUpstream publicUpstream;
  RecordingUpstream adminUpstream;
  RegionalProxyServer proxy;

  void start(String engine) throws IOException {
    discovery.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body("{\"region\":\"eu\"}").build();
      }
    });
    discovery.start(java.net.InetAddress.getLoopbackAddress(), 0);
    publicUpstream = new RecordingUpstream();
    adminUpstream = new RecordingUpstream();
    String json = "{\n"
        + "  \"listen\": \"127.0.0.1:0\",\n"
        + "  \"discovery\": {\"url\": \"http://127.0.0.1:" + discovery.getPort() + "/region?host={host}\","
        + " \"regionPointer\": \"/region\", \"timeout\": \"2s\"},\n"
        + "  \"clusters\": [{\"name\": \"public\", \"endpoints\": [\"" + publicUpstream.uri() + "\"]},\n"
        + "               {\"name\": \"admin\", \"endpoints\": [\"" + adminUpstream.uri() + "\"]}],\n"
        + "  \"routes\": [{\"pathPrefix\": \"/public\", \"cluster\": \"public\"},\n"
        + "             {\"pathPrefix\": \"/admin\", \"cluster\": \"admin\"}],\n"
        + "  \"server\": {\"engine\": \"" + engine + "\"}\n"
        + "}\n";
    proxy = Main.startProxy(RouterConfig.parse(json, "paths.json"));
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
      proxy.router().close();
    }
    publicUpstream.close();
    adminUpstream.close();
    discovery.close();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "http1, /public/page, public",
      "http1, /public/../admin, admin",
      "http1, /public/%2e%2E/admin, admin",
      "http1, /public/..;x/admin, admin",
      "http1, //admin/x, admin",
      "http1, /%61dmin, admin",
      "jdk, /public/page, public",
      "jdk, /public/%2e%2E/admin, admin",
      "jdk, /public/..;x/admin, admin",
  })
  void aRuleMatchesWhatThePathMeansAndTheUpstreamGetsItAsSent(String engine, String target, String cluster)
      throws Exception {
    start(engine);
    RawHttp.Response r = RawHttp.send(proxy.address().getPort(),
        "GET " + target + " HTTP/1.1", "Host: a.example", "Connection: close");
    assertThat(r.status).isEqualTo(200);
    RecordingUpstream chosen = cluster.equals("admin") ? adminUpstream : publicUpstream;
    RecordingUpstream other = cluster.equals("admin") ? publicUpstream : adminUpstream;
    RecordingUpstream.Received got = chosen.received.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.target()).isEqualTo(target);
    assertThat(other.received).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1} -> 400")
  @CsvSource({
      "http1, /public/../../admin",
      "http1, /%2e%2e/admin",
      "http1, /public%2F..%2Fadmin",
      "jdk, /public/../../admin",
      "jdk, /public%2f..%2fadmin",
  })
  void aPathThatClimbsAboveRootOrHidesASlashIsAnswered400AndNotForwarded(String engine, String target)
      throws Exception {
    start(engine);
    RawHttp.Response r = RawHttp.send(proxy.address().getPort(),
        "GET " + target + " HTTP/1.1", "Host: a.example", "Connection: close");
    assertThat(r.status).isEqualTo(400);
    assertThat(r.header("X-Router-Error")).isEqualTo("invalid_request");
    assertThat(r.text()).contains("invalid path");
    assertThat(publicUpstream.received).isEmpty();
    assertThat(adminUpstream.received).isEmpty();
    assertThat(publicUpstream.connections.get() + adminUpstream.connections.get()).isZero();
  }
}
