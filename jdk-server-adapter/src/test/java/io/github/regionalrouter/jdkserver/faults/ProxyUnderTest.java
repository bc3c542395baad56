package io.github.regionalrouter.jdkserver.faults;

import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.jdkserver.RegionalProxyServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The standalone proxy on loopback, built through the public builders, with two upstream clusters
 * {@code us_east1} (answers "east") and {@code us_central1} (answers "central") and an admin
 * listener.
 */
final class ProxyUnderTest implements AutoCloseable {
  final HttpServer east;
  final HttpServer central;
  final RegionalRouter router;
  final RegionalProxyServer server;

  ProxyUnderTest(Consumer<RegionalRouter.Builder> routing) throws IOException {
    this(routing, b -> {});
  }

  ProxyUnderTest(Consumer<RegionalRouter.Builder> routing, Consumer<RegionalProxyServer.Builder> serving)
      throws IOException {
    east = FaultRig.upstream("east");
    central = FaultRig.upstream("central");
    RegionalRouter.Builder rb = RegionalRouter.builder()
        .cluster(Cluster.named("us_east1").endpoint(FaultRig.uri(east)))
        .cluster(Cluster.named("us_central1").endpoint(FaultRig.uri(central)));
    routing.accept(rb);
    router = rb.build();
    RegionalProxyServer.Builder sb = RegionalProxyServer.builder()
        .bind("127.0.0.1", 0)
        .router(router)
        .admin(new InetSocketAddress("127.0.0.1", 0))
        .accessLog(false)
        .jmx(false)
        .drainTimeout(Duration.ZERO);
    serving.accept(sb);
    server = sb.start();
  }

  InetSocketAddress address() {
    return server.address();
  }

  FaultRig.Reply get(String host) {
    return FaultRig.get(address(), host, "/");
  }

  /** {@code GET /ready} on the admin listener. */
  int ready() {
    InetSocketAddress admin = server.adminAddress().orElseThrow();
    return FaultRig.get(new InetSocketAddress("127.0.0.1", admin.getPort()), "localhost", "/ready").status;
  }

  static URI refusedEndpoint() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Override
  public void close() {
    server.close();
    router.close();
    FaultRig.stop(east);
    FaultRig.stop(central);
  }
}
