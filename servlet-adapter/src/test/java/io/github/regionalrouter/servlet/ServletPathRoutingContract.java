package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.route.RouteSelector;
import jakarta.servlet.ServletRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Route rules match the normalized path in {@link RegionalProxyServlet}, in a real container (one
 * subclass per container): a {@code /public} rule and an {@code /admin} rule, each to a real
 * loopback upstream that echoes the target it received.
 */
abstract class ServletPathRoutingContract {
  private final ServletContainer.Starter starter;
  private final Upstreams upstreams = new Upstreams();
  private ServletContainer container;
  private RegionalRouter router;

  ServletPathRoutingContract(ServletContainer.Starter starter) {
    this.starter = starter;
  }

  @BeforeEach
  void start() throws Exception {
    router = RegionalRouter.builder()
        .resolver(TestResolvers.HOSTS)
        .noCache()
        .routeSelector(RouteSelector.table()
            .route("*", "/public", "public")
            .route("*", "/admin", "admin")
            .build())
        .cluster(Cluster.named("public").endpoint(upstreams.echo("public")))
        .cluster(Cluster.named("admin").endpoint(upstreams.echo("admin")))
        .build();
    RegionalProxyServlet proxy = new RegionalProxyServlet(router);
    container = starter.start(8, "/app", (classes, ctx) -> {
      ServletRegistration.Dynamic s = ctx.addServlet("proxy", proxy);
      s.setAsyncSupported(true);
      s.addMapping("/proxy/*");
    });
  }

  @AfterEach
  void stop() throws Exception {
    container.close();
    upstreams.close();
    router.close();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/public/page, public",
      "/public/../admin, admin",
      "/public/./../admin/x, admin",
      "/public/x/../../admin, admin",
  })
  @Timeout(30)
  void aRuleMatchesWhatThePathMeansAndTheUpstreamGetsItAsSent(String path, String cluster) throws Exception {
    RawHttp r = RawHttp.exchange(container.port(),
        "GET /app/proxy" + path + " HTTP/1.1\r\nHost: east.example.com\r\nConnection: close\r\n\r\n");

    assertThat(r.status).isEqualTo(200);
    assertThat(r.body).startsWith("upstream=" + cluster + "\ntarget=" + path + "\n");
  }
}
