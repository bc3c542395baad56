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

  /** Skips unless this JVM still refuses to set Host (jdk.httpclient.allowRestrictedHeaders unset). */
  private static void assumeHostIsRestricted() {
    boolean allowed;
    try {
      HttpRequest.newBuilder().header("Host", "x");
      allowed = true;
    } catch (IllegalArgumentException e) {
      allowed = false;
    }
    assumeThat(allowed).as("this JVM allows Host already").isFalse();
  }

  @Test
  void preserve_host_explains_the_system_property_it_needs() {
    assumeHostIsRestricted();
    try (RegionalRouter router = router("http://127.0.0.1:9")) {
      assertThatThrownBy(() -> Forwarder.builder(router).preserveHost(true).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("-Djdk.httpclient.allowRestrictedHeaders=host");
    }
  }

  @Test
  void forwarder_options_configure_the_forwarder_the_server_builds_for_its_router() throws Exception {
    try (Upstream east = new Upstream("east");
        RegionalRouter router = router(east.uri());
        RegionalProxyServer proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
            .forwarderOptions(f -> f.retries(false).fastLane(false)).start()) {
      RawHttp.Response r = RawHttp.send(proxy.address().getPort(), "GET / HTTP/1.1", "Host: a.example");

      assertThat(r.status).isEqualTo(200);
      assertThat(proxy.forwarder().router()).isSameAs(router);
      assertThat(proxy.forwarder().retries()).isFalse();
      assertThat(proxy.forwarder().fastLane()).isFalse();
    }
  }

  @Test
  void without_options_the_server_builds_a_forwarder_with_the_forwarders_defaults() {
    try (RegionalRouter router = router("http://127.0.0.1:9");
        RegionalProxyServer proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).start()) {
      Forwarder defaults = Forwarder.builder(router).build();
      try {
        assertThat(proxy.forwarder().retries()).isEqualTo(defaults.retries());
        assertThat(proxy.forwarder().preserveHost()).isEqualTo(defaults.preserveHost());
        assertThat(proxy.forwarder().fastLane()).isEqualTo(defaults.fastLane());
      } finally {
        defaults.close();
      }
    }
  }

  @Test
  void a_prebuilt_forwarder_and_forwarder_options_cannot_be_combined() {
    try (RegionalRouter router = router("http://127.0.0.1:9");
        Forwarder forwarder = Forwarder.builder(router).build()) {
      RegionalProxyServer.Builder b = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
          .forwarder(forwarder)
          .forwarderOptions(f -> f.retries(false));

      assertThatThrownBy(b::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("forwarder and forwarderOptions (expected: at most one");
    }
  }

  @Test
  void a_prebuilt_forwarder_is_used_as_given() throws Exception {
    try (Upstream east = new Upstream("east");
        RegionalRouter router = router(east.uri());
        Forwarder forwarder = Forwarder.builder(router).retries(false).build();
        RegionalProxyServer proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
            .forwarder(forwarder).start()) {
      assertThat(proxy.forwarder()).isSameAs(forwarder);
      assertThat(RawHttp.send(proxy.address().getPort(), "GET / HTTP/1.1", "Host: a.example").status)
          .isEqualTo(200);
    }
  }

  @Test
  void a_forwarder_built_for_another_router_is_refused() {
    try (RegionalRouter router = router("http://127.0.0.1:9");
        RegionalRouter other = router("http://127.0.0.1:9");
        Forwarder forwarder = Forwarder.builder(other).build()) {
      RegionalProxyServer.Builder b = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
          .forwarder(forwarder);

      assertThatThrownBy(b::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("one built for this server's router");
    }
  }

  @Test
  void forwarder_options_that_fail_to_build_fail_start_with_the_forwarders_message() {
    assumeHostIsRestricted();
    try (RegionalRouter router = router("http://127.0.0.1:9")) {
      RegionalProxyServer.Builder b = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router)
          .forwarderOptions(f -> f.preserveHost(true));

      assertThatThrownBy(b::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("-Djdk.httpclient.allowRestrictedHeaders=host");
    }
  }
}
