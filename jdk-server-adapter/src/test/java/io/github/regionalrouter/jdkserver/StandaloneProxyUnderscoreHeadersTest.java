package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.config.RouterConfig;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Header names with an underscore, which a CGI/WSGI upstream would read as framing headers, do not
 * reach a real upstream unless the config allows them: raw bytes through the standalone proxy as
 * {@link Main} builds it, checked against what a {@link RecordingUpstream} received.
 */
@Timeout(30)
class StandaloneProxyUnderscoreHeadersTest {
  final MockWebServer discovery = new MockWebServer();
  RecordingUpstream upstream;
  RegionalProxyServer proxy;

  void start(String engine, String topLevelMembers) throws IOException {
    discovery.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body("{\"region\":\"us_east1\"}").build();
      }
    });
    discovery.start(java.net.InetAddress.getLoopbackAddress(), 0);
    upstream = new RecordingUpstream();
    String json = "{\n" + topLevelMembers
        + "  \"listen\": \"127.0.0.1:0\",\n"
        + "  \"discovery\": {\"url\": \"http://127.0.0.1:" + discovery.getPort() + "/region?host={host}\","
        + " \"regionPointer\": \"/region\", \"timeout\": \"2s\"},\n"
        + "  \"clusters\": [{\"name\": \"us_east1\", \"endpoints\": [\"" + upstream.uri() + "\"]}],\n"
        + "  \"server\": {\"engine\": \"" + engine + "\"}\n"
        + "}\n";
    proxy = Main.startProxy(RouterConfig.parse(json, "underscores.json"));
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
      proxy.router().close();
    }
    if (upstream != null) {
      upstream.close();
    }
    discovery.close();
  }

  private RecordingUpstream.Received post() throws Exception {
    RawHttp.Response r = RawHttp.send(proxy.address().getPort(),
        "POST /form HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nContent_Length: 0\r\n"
            + "Transfer_Encoding: chunked\r\nX_Custom: a\r\nX-Kept: b\r\nConnection: close\r\n\r\n",
        "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 5, true);
    assertThat(r.status).isEqualTo(200);
    RecordingUpstream.Received got = upstream.received.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.body()).isEqualTo("hello");
    assertThat(got.values("X-Kept")).containsExactly("b");
    return got;
  }

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"http1", "jdk"})
  void headerNamesWithAnUnderscoreAreDroppedByDefault(String engine) throws Exception {
    start(engine, "");

    RecordingUpstream.Received got = post();

    assertThat(got.headers()).noneMatch(h -> h[0].contains("_"));
    assertThat(got.values("Content-Length")).containsExactly("5");
    assertThat(proxy.forwarder().underscoreHeadersDropped()).isEqualTo(3);
  }

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"http1", "jdk"})
  void headerNamesWithAnUnderscoreGoUpstreamWhenTheConfigAllowsThem(String engine) throws Exception {
    start(engine, "  \"allowUnderscoresInHeaders\": true,\n");

    RecordingUpstream.Received got = post();

    assertThat(got.values("Content_Length")).containsExactly("0");
    assertThat(got.values("Transfer_Encoding")).containsExactly("chunked");
    assertThat(got.values("X_Custom")).containsExactly("a");
    assertThat(proxy.forwarder().underscoreHeadersDropped()).isZero();
  }
}
