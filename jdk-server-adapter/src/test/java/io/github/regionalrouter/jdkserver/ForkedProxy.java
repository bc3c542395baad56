package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.util.Map;

/**
 * Runs a proxy in its own JVM (for heap-bound tests): routes {@code a.example} to the upstream on
 * port {@code args[0]}, prints {@code PORT n}, and stops when its stdin closes.
 */
public final class ForkedProxy {
  private ForkedProxy() {}

  public static void main(String[] args) throws Exception {
    RegionalRouter router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint("http://127.0.0.1:" + args[0]))
        .build();
    try (RegionalProxyServer server = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
        .accessLog(false).drainTimeout(java.time.Duration.ZERO).start()) {
      System.out.println("PORT " + server.address().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close stdin
      }
    }
    router.close();
  }
}
