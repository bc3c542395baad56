package io.github.regionalrouter.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.InboundRequest;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static RouteContext context(String host, String path, String region) {
    InboundRequest request = InboundRequest.builder().target(path).header("Host", host).build();
    return new RouteContext() {
      @Override
      public String host() {
        return host;
      }

      @Override
      public String path() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
      }

      @Override
      public String region() {
        return region;
      }

      @Override
      public InboundRequest request() {
        return request;
      }

      @Override
      public String header(String name) {
        return name.equalsIgnoreCase("region") ? region : request.header(name);
      }
    };
  }

  private final RouteSelector table =
      RouteSelector.table()
          .route("admin.example.com", "/", "us_east1")
          .route("*.api.example.com", "/v2/", RouteSelector.fixed("us_central1"))
          .route("*", "/static/", "cdn")
          .route("*", "/", RouteSelector.byHeader("region"))
          .build();

  @Test
  void exactDomainMatchesBeforeLaterRules() {
    assertThat(table.select(context("admin.example.com", "/x", "eu"))).isEqualTo("us_east1");
  }

  @Test
  void wildcardDomainAndPathPrefixMustBothMatch() {
    assertThat(table.select(context("a.api.example.com", "/v2/users?x=1", "eu")))
        .isEqualTo("us_central1");
    assertThat(table.select(context("a.api.example.com", "/v1/users", "eu"))).isEqualTo("eu");
    assertThat(table.select(context("api.example.com", "/v2/users", "eu"))).isEqualTo("eu");
  }

  @Test
  void catchAllRuleUsesTheRoutingHeader() {
    assertThat(table.select(context("z.org", "/static/a.css", "eu"))).isEqualTo("cdn");
    assertThat(table.select(context("z.org", "/page", "eu"))).isEqualTo("eu");
    assertThat(table.select(context("z.org", "/page", null))).isNull();
  }

  @Test
  void aTableWithoutCatchAllSelectsNothingForUnmatchedRequests() {
    RouteSelector only = RouteSelector.table().route("a.com", "/", "x").build();
    assertThat(only.select(context("b.com", "/", "eu"))).isNull();
  }

  @Test
  void rejectsBadRules() {
    assertThatThrownBy(() -> RouteSelector.table().route("a*.com", "/", "x"))
        .hasMessageContaining("domain: \"a*.com\" (expected: a host, *.suffix or *)");
    assertThatThrownBy(() -> RouteSelector.table().route("a.com", "api", "x"))
        .hasMessageContaining("pathPrefix: \"api\"");
    assertThatThrownBy(() -> RouteSelector.table().build())
        .isInstanceOf(IllegalStateException.class);
  }
}
