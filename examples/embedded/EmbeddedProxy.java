import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.jdkserver.RegionalProxyServer;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolver;
import java.util.concurrent.CompletableFuture;

/** The original Envoy + WASM demo, embedded: a first-character mock resolver, two clusters. */
public final class EmbeddedProxy {
  /** The original's mock: a host whose first character code is even is in us_east1, odd in us_central1. */
  static final RegionResolver FIRST_CHARACTER = (host, request) -> CompletableFuture.completedFuture(
      RegionAnswer.of(host.charAt(0) % 2 == 0 ? "us_east1" : "us_central1"));

  public static RegionalProxyServer start(int port, String east, String central) {
    RegionalRouter router = RegionalRouter.builder()
        .resolver(FIRST_CHARACTER)
        .cluster(Cluster.named("us_east1").endpoint(east))
        .cluster(Cluster.named("us_central1").endpoint(central))
        .responseHeader("Processed-By", "Regional Router")
        .build();
    return RegionalProxyServer.listen(port).router(router)
        .forwarderOptions(f -> f.maxRequestBodyBytes(10 << 20)) // options of the forwarder it builds
        .start();
  }

  public static void main(String[] args) throws InterruptedException {
    RegionalProxyServer server = start(8000, "http://127.0.0.1:18081", "http://127.0.0.1:18082");
    System.out.println("proxy on " + server.address() + "; try: curl -H 'Host: b.example' localhost:8000");
    Thread.currentThread().join();
  }
}
