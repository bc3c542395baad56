package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.config.RouterConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The standalone proxy as {@link Main} builds it from a config (default engine), with a
 * mockwebserver discovery stub that answers {@code us_east1} for every host and records the hosts
 * asked, and a {@link RecordingUpstream} as the only endpoint of cluster {@code us_east1}.
 */
final class StandaloneProxy implements AutoCloseable {
  final MockWebServer discovery = new MockWebServer();
  final List<String> discoveryAsked = new CopyOnWriteArrayList<>();
  final RecordingUpstream upstream;
  final RegionalProxyServer proxy;

  /** @param serverMembers the members of the config's {@code "server"} object, e.g. {@code "drainTimeout": "5s"} */
  StandaloneProxy(String serverMembers) throws IOException {
    discovery.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        discoveryAsked.add(request.getUrl().queryParameter("host"));
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body("{\"region\":\"us_east1\"}").build();
      }
    });
    discovery.start(java.net.InetAddress.getLoopbackAddress(), 0);
    upstream = new RecordingUpstream();
    String json = "{\n"
        + "  \"listen\": \"127.0.0.1:0\",\n"
        + "  \"discovery\": {\"url\": \"http://127.0.0.1:" + discovery.getPort() + "/region?host={host}\","
        + " \"regionPointer\": \"/region\", \"timeout\": \"2s\"},\n"
        + "  \"clusters\": [{\"name\": \"us_east1\", \"endpoints\": [\"" + upstream.uri() + "\"]}],\n"
        + "  \"responseHeaders\": {\"Processed-By\": \"Regional Router\"},\n"
        + "  \"server\": {" + serverMembers + "}\n"
        + "}\n";
    proxy = Main.startProxy(RouterConfig.parse(json, "standalone.json"));
  }

  int port() {
    return proxy.address().getPort();
  }

  /** Closes the proxy (draining), its router, the upstream and discovery. */
  @Override
  public void close() throws IOException {
    proxy.close();
    proxy.router().close();
    upstream.close();
    discovery.close();
  }
}
