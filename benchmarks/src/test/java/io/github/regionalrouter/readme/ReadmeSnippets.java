package io.github.regionalrouter.readme;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.jdkserver.RegionalProxyServer;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.resolve.ResolverCache;
import io.github.regionalrouter.servlet.RegionRoutingFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.EnumSet;

/**
 * The README's Java snippets, each between a {@code README:begin} and a {@code README:end} line.
 * Compiling this file checks them against the API; {@link ReadmeSnippetsTest} checks that the
 * README shows each one verbatim (dedented) in a {@code java} block. Edit both together.
 */
final class ReadmeSnippets {

  private ReadmeSnippets() {}

  static RegionalProxyServer quickstartAndEmbeddedProxy(InboundRequest request) throws Exception {
    // README:begin quickstart
    RegionalRouter router = RegionalRouter.builder()
        .routingHeader("region")                                   // Envoy: cluster_header: region
        .resolver(RegionResolvers.httpDiscovery("http://discovery:8080/anything?region={host}")
            .regionPointer("/args/region")                         // the WASM filter read args.region
            .timeout(Duration.ofSeconds(5)))                       // the original's 5 s
        .cache(ResolverCache.ofTtl(Duration.ofSeconds(30))
            .withMaxEntries(100_000)
            .withStaleIfError(Duration.ofMinutes(5)))
        .fallbackRegion("us_east1")
        .cluster(Cluster.named("us_east1").endpoint("https://10.0.0.1:443").sni("api.example.com")
            .connectTimeout(Duration.ofSeconds(5)))
        .cluster(Cluster.named("us_central1").endpoint("http://10.0.1.1:8080"))
        .responseHeader("Processed-By", "Regional Router")
        .build();

    // A gateway that forwards on its own only needs the decision:
    router.decide(request).thenAccept(d ->
        System.out.println(d.region() + " -> " + d.cluster().name() + " " + d.endpoint()));

    // Or the whole reverse proxy (regional-router-jdk-server); forwarding options go to the
    // Forwarder.Builder of the forwarder the server builds with its router and executor:
    RegionalProxyServer proxy = RegionalProxyServer.listen(8000).router(router)
        .forwarderOptions(f -> f.preserveHost(true).maxRequestBodyBytes(10 << 20))
        .start();
    // README:end
    return proxy;
  }

  static void filterRegistration(ServletContext ctx, RegionalRouter router) {
    // README:begin filter-registration
    FilterRegistration.Dynamic f = ctx.addFilter("region-routing", new RegionRoutingFilter(router));
    f.setAsyncSupported(true);
    f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
    // README:end
  }
}
