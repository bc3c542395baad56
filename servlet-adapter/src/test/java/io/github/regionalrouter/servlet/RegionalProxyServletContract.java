package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scenarios of {@link RegionalProxyServlet}, run in a real servlet container: one subclass per
 * container. So far: which request-target goes upstream. (Forwarding comes with the core data path.)
 */
abstract class RegionalProxyServletContract {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final ServletContainer.Starter starter;
  private ServletContainer container;

  RegionalProxyServletContract(ServletContainer.Starter starter) {
    this.starter = starter;
  }

  /** Answers the target {@link RegionalProxyServlet} would send upstream. */
  static final class TargetServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain;charset=UTF-8");
      resp.getWriter().print(RegionalProxyServlet.upstreamTarget(req));
    }
  }

  private void deployTargets() throws Exception {
    container =
        starter.start(
            8,
            "/app",
            (classes, ctx) -> {
              ctx.addServlet("proxy", new TargetServlet()).addMapping("/proxy/*");
              ctx.addServlet("deep", new TargetServlet()).addMapping("/api/v1/*");
              ctx.addServlet("default", new TargetServlet()).addMapping("/");
            });
  }

  private final java.util.List<com.sun.net.httpserver.HttpServer> upstreams = new java.util.ArrayList<>();
  private io.github.regionalrouter.RegionalRouter router;

  @AfterEach
  void stop() throws Exception {
    if (container != null) {
      container.close();
    }
    upstreams.forEach(u -> u.stop(0));
    if (router != null) {
      router.close();
    }
  }

  /** An upstream on loopback answering what it received. */
  private String upstream(String name) throws IOException {
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = ("upstream=" + name + "\ntarget=" + exchange.getRequestURI() + "\nregion="
          + exchange.getRequestHeaders().get("region") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    upstreams.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void deployProxy(String east, String central) throws Exception {
    router = io.github.regionalrouter.RegionalRouter.builder()
        .resolver(TestResolvers.HOSTS)
        .noCache()
        .cluster(io.github.regionalrouter.cluster.Cluster.named("us_east1").endpoint(east))
        .cluster(io.github.regionalrouter.cluster.Cluster.named("us_central1").endpoint(central))
        .responseHeader("Processed-By", "Regional Router")
        .build();
    RegionalProxyServlet proxy = new RegionalProxyServlet(router);
    container = starter.start(8, "/app", (classes, ctx) -> {
      jakarta.servlet.ServletRegistration.Dynamic s = ctx.addServlet("proxy", proxy);
      s.setAsyncSupported(true);
      s.addMapping("/proxy/*");
    });
  }

  private HttpResponse<String> get(String path, String host) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + container.port() + path))
            .header("Host", host).header("region", "forged").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @org.junit.jupiter.api.Test
  @Timeout(30)
  void bothRegionsAreRoutedToTheirUpstreams() throws Exception {
    deployProxy(upstream("east"), upstream("central"));

    HttpResponse<String> east = get("/app/proxy/a/b?x=1", "east.example.com");
    HttpResponse<String> central = get("/app/proxy/c", "central.example.com");

    assertThat(east.statusCode()).isEqualTo(200);
    assertThat(east.headers().firstValue("Processed-By")).hasValue("Regional Router");
    assertThat(east.body()).isEqualTo("upstream=east\ntarget=/a/b?x=1\nregion=[us_east1]\n");
    assertThat(central.body()).isEqualTo("upstream=central\ntarget=/c\nregion=[us_central1]\n");
  }

  @org.junit.jupiter.api.Test
  @Timeout(30)
  void anUpstreamThatIsDownIsAnswered502() throws Exception {
    deployProxy("http://127.0.0.1:1", upstream("central"));

    HttpResponse<String> answer = get("/app/proxy/a", "east.example.com");

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(answer.headers().firstValue("X-Router-Error")).hasValue("upstream_unreachable");
  }

  @ParameterizedTest
  @CsvSource({
    "/app/proxy/a/b?x=1, /a/b?x=1",
    "/app/proxy, /",
    "/app/proxy/, /",
    "/app/proxy?x=1, /?x=1",
    "/app/proxy/a%20b/%C3%A9?q=%26&r, /a%20b/%C3%A9?q=%26&r",
    "/app/api/v1/users/7, /users/7",
    "/app/other/x?y, /other/x?y",
  })
  @Timeout(30)
  void thePathBelowTheServletMappingGoesUpstreamAsSent(String requested, String upstream) throws Exception {
    deployTargets();
    String root = "http://127.0.0.1:" + container.port();
    HttpResponse<String> answer =
        CLIENT.send(
            HttpRequest.newBuilder(java.net.URI.create(root + requested)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(upstream);
  }
}
