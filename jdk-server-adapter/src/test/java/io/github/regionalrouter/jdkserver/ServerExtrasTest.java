package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.forward.Forwarder;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ServerExtrasTest {

  static RegionalRouter router(String upstream) {
    return RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint(upstream))
        .build();
  }

  @Test
  void counters_are_readable_over_jmx_while_the_server_runs() throws Exception {
    try (Upstream east = new Upstream("east");
        RegionalRouter router = router(east.uri());
        RegionalProxyServer proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).start()) {
      RawHttp.send(proxy.address().getPort(), "GET / HTTP/1.1", "Host: a.example");
      ObjectName name = new ObjectName("io.github.regionalrouter:type=Proxy,port=" + proxy.address().getPort());

      Object requests = ManagementFactory.getPlatformMBeanServer().getAttribute(name, "requests");
      Object ok = ManagementFactory.getPlatformMBeanServer().getAttribute(name, "status.200");

      assertThat(requests).isEqualTo(1L);
      assertThat(ok).isEqualTo(1L);
    }
  }

  @Test
  void preserve_host_explains_the_system_property_it_needs() {
    boolean allowed;
    try {
      HttpRequest.newBuilder().header("Host", "x");
      allowed = true;
    } catch (IllegalArgumentException e) {
      allowed = false;
    }
    assumeThat(allowed).as("this JVM allows Host already").isFalse();
    try (RegionalRouter router = router("http://127.0.0.1:9")) {
      assertThatThrownBy(() -> Forwarder.builder(router).preserveHost(true).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("-Djdk.httpclient.allowRestrictedHeaders=host");
    }
  }
}
