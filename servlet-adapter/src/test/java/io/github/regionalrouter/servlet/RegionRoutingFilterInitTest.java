package io.github.regionalrouter.servlet;

import static io.github.regionalrouter.servlet.TestResolvers.HOSTS;
import static io.github.regionalrouter.servlet.TestResolvers.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.internal.cluster.ClusterRuntime;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link RegionRoutingFilter} gets its router, and what {@code destroy} releases. */
class RegionRoutingFilterInitTest {
  @TempDir Path dir;

  @Test
  void aFilterGivenARouterLeavesItOpenOnDestroy() throws Exception {
    try (RegionalRouter router = router(HOSTS).build()) {
      RegionRoutingFilter filter = new RegionRoutingFilter(router);
      filter.init(config(Map.of()));
      filter.destroy();

      assertThatCode(() -> ClusterRuntime.of(router.clusters().get("us_east1")).httpClient()).doesNotThrowAnyException();
    }
  }

  @Test
  void aFilterGivenARouterRefusesTheConfigInitParamToo() {
    try (RegionalRouter router = router(HOSTS).build()) {
      RegionRoutingFilter filter = new RegionRoutingFilter(router);

      assertThatThrownBy(() -> filter.init(config(Map.of("config", "/etc/router.json"))))
          .isInstanceOf(ServletException.class)
          .hasMessageContaining("init-param config is set, but the filter was constructed with a router");
    }
  }

  @Test
  void aFilterWithoutRouterNeedsTheConfigInitParam() {
    RegionRoutingFilter filter = new RegionRoutingFilter();

    assertThatThrownBy(() -> filter.init(config(Map.of())))
        .isInstanceOf(ServletException.class)
        .hasMessage("RegionRoutingFilter region-routing: init-param config is missing (expected: the path"
            + " of a JSON router config file, or construct the filter with a RegionalRouter)");
  }

  @Test
  void aBadConfigFailsInitWithTheFileLineAndColumn() throws Exception {
    Path file = dir.resolve("router.json");
    Files.writeString(file, "{\n  \"resolver\": {\"type\": \"fixed\", \"hosts\": {}},\n  \"clusters\": 7\n}\n");
    RegionRoutingFilter filter = new RegionRoutingFilter();

    assertThatThrownBy(() -> filter.init(config(Map.of("config", file.toString()))))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith(file + ":2:42: resolver.hosts: ");
  }

  @Test
  void aMissingConfigFileFailsInitNamingTheFile() {
    Path file = dir.resolve("absent.json");
    RegionRoutingFilter filter = new RegionRoutingFilter();

    assertThatThrownBy(() -> filter.init(config(Map.of("config", file.toString()))))
        .isInstanceOf(ServletException.class)
        .hasMessageStartingWith(file + ": file not found");
  }

  @Test
  void aFilterThatBuiltItsRouterFromConfigClosesItOnDestroy() throws Exception {
    Path file = dir.resolve("router.json");
    Files.writeString(file, SAMPLE_CONFIG);
    RegionRoutingFilter filter = new RegionRoutingFilter();
    filter.init(config(Map.of("config", file.toString())));
    RegionalRouter built = builtRouter(filter);
    assertThatCode(() -> ClusterRuntime.of(built.clusters().get("us_east1")).httpClient()).doesNotThrowAnyException();

    filter.destroy();

    assertThatThrownBy(() -> ClusterRuntime.of(built.clusters().get("us_east1")).httpClient())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void theExampleWebappsSampleConfigBuildsARouter() throws Exception {
    Path sample = Path.of("..", "examples", "servlet-webapp", "router.json");
    RegionRoutingFilter filter = new RegionRoutingFilter();

    filter.init(config(Map.of("config", sample.toString())));
    try {
      assertThat(builtRouter(filter).clusters()).hasSize(2);
    } finally {
      filter.destroy();
    }
  }

  /** A config with a fixed resolver: east → us_east1, central → us_central1. */
  static final String SAMPLE_CONFIG =
      "{\n"
          + "  \"resolver\": {\"type\": \"fixed\", \"hosts\": {\"east.example.com\": \"us_east1\","
          + " \"central.example.com\": \"us_central1\"}, \"cache\": false},\n"
          + "  \"clusters\": [\n"
          + "    {\"name\": \"us_east1\", \"endpoints\": [\"http://10.0.0.1:8080\"]},\n"
          + "    {\"name\": \"us_central1\", \"endpoints\": [\"http://10.0.1.1:8080\"]}\n"
          + "  ],\n"
          + "  \"responseHeaders\": {\"Processed-By\": \"Regional Router\"}\n"
          + "}\n";

  private static RegionalRouter builtRouter(RegionRoutingFilter filter) throws Exception {
    java.lang.reflect.Field f = RegionRoutingFilter.class.getDeclaredField("router");
    f.setAccessible(true);
    return (RegionalRouter) f.get(filter);
  }

  private static FilterConfig config(Map<String, String> params) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "region-routing";
      }

      @Override
      public ServletContext getServletContext() {
        throw new UnsupportedOperationException("not needed by init");
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }
}
