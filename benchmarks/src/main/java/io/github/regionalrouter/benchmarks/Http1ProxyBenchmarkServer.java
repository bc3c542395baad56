package io.github.regionalrouter.benchmarks;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.forward.Forwarder;
import io.github.regionalrouter.jdkserver.http1.Http1Server;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.util.concurrent.CountDownLatch;

/**
 * A proxy for load tools, not a test: the jdkserver.http1 engine in front of a {@link Forwarder}
 * with one cluster and host a.example routed to it (no discovery; send Host: a.example), so that the data path alone is
 * measured. Arguments: {@code PORT UPSTREAM_URI [fastLane=true|false]}. Drive it with {@code wrk}.
 */
public final class Http1ProxyBenchmarkServer {
  private Http1ProxyBenchmarkServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    boolean fastLane = args.length < 3 || Boolean.parseBoolean(args[2]);
    RegionalRouter router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(java.util.Map.of("a.example", "r1")))
        .cluster(Cluster.named("r1").endpoint(args[1]).maxConcurrentRequests(100_000))
        .build();
    Forwarder forwarder = Forwarder.builder(router).fastLane(fastLane).build();
    Http1Server server = Http1Server.builder().port(port).handler(ex -> forwarder.handle(ex, ex, ex)).build().start();
    System.out.println("http1 proxy on " + server.address() + " to " + args[1] + " (fastLane=" + fastLane + ")");
    new CountDownLatch(1).await();
  }
}
