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
import org.junit.jupiter.api.BeforeEach;
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

  @BeforeEach
  void start() throws Exception {
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

  @AfterEach
  void stop() throws Exception {
    container.close();
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
    String root = "http://127.0.0.1:" + container.port();
    HttpResponse<String> answer =
        CLIENT.send(
            HttpRequest.newBuilder(java.net.URI.create(root + requested)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(upstream);
  }
}
