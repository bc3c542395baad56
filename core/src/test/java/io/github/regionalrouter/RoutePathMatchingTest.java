package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.route.RouteSelector;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Route rules match what a path means, however it is spelt; the spelling goes upstream. */
class RoutePathMatchingTest {

  private final RegionalRouter router =
      RegionalRouter.builder()
          .resolver(RegionResolvers.fixed(Map.of("a.example", "eu")))
          .noCache()
          .routeSelector(
              RouteSelector.table()
                  .route("*", "/public", "public")
                  .route("*", "/admin", "admin")
                  .route("*", "/", "other")
                  .build())
          .cluster(Cluster.named("public").endpoint("http://127.0.0.1:18081"))
          .cluster(Cluster.named("admin").endpoint("http://127.0.0.1:18082"))
          .cluster(Cluster.named("other").endpoint("http://127.0.0.1:18083"))
          .build();

  private String clusterOrStatus(String target) {
    InboundRequest request =
        InboundRequest.builder().target(target).header("Host", "a.example").build();
    try {
      RouteDecision d = router.decide(request).toCompletableFuture().join();
      assertThat(d.request().target()).as("the target as received").isEqualTo(target);
      return d.cluster().name() + " " + d.path();
    } catch (CompletionException e) {
      RoutingException r = (RoutingException) e.getCause();
      assertThat(r.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
      return r.status() + " " + r.getMessage();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          /public/page                  | public /public/page
          /public/../admin              | admin /admin
          /public/%2e%2e/admin          | admin /admin
          /public/%2E%2e/admin          | admin /admin
          /public/.%2E/admin            | admin /admin
          /public/./../admin/x          | admin /admin/x
          /public/%2e/page              | public /public/page
          /public//../admin             | admin /admin
          //admin                       | admin /admin
          /./admin                      | admin /admin
          /%61dmin/x                    | admin /admin/x
          /%7Epublic                    | other /~public
          /admin;jsessionid=1/x         | admin /admin/x
          /public/..;x=1/admin          | admin /admin
          /public/a%20b                 | public /public/a%20b
          /public/a%3b/..               | public /public/
          /public/..?q=/admin           | other /
          /public/x/..                  | public /public/
          http://a.example/public/../admin?x | admin /admin
          /..                           | 400 invalid path: a path that climbs above / with ..
          /public/../../admin           | 400 invalid path: a path that climbs above / with ..
          /%2e%2e/admin                 | 400 invalid path: a path that climbs above / with ..
          /public%2F..%2Fadmin          | 400 invalid path: an encoded slash or backslash (%2F, %5C) in the path
          /public/%2f                   | 400 invalid path: an encoded slash or backslash (%2F, %5C) in the path
          /public%5c..%5cadmin          | 400 invalid path: an encoded slash or backslash (%2F, %5C) in the path
          /public\\..\\admin            | 400 invalid path: a backslash in the path
          /public/%zz                   | 400 invalid path: a malformed percent-encoding in the path
          /public/%4                    | 400 invalid path: a malformed percent-encoding in the path
          """)
  void routeRulesMatchTheNormalizedPath(String target, String expected) {
    assertThat(clusterOrStatus(target)).isEqualTo(expected);
  }
}
