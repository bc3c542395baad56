package io.github.regionalrouter.servlet;

import static io.github.regionalrouter.servlet.TestResolvers.DOWN;
import static io.github.regionalrouter.servlet.TestResolvers.HOSTS;
import static io.github.regionalrouter.servlet.TestResolvers.delayed;
import static io.github.regionalrouter.servlet.TestResolvers.router;
import static io.github.regionalrouter.servlet.TestResolvers.timed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.LogCapture;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.ThrowingListener;
import io.github.regionalrouter.resolve.ResolverCache;
import io.github.regionalrouter.servlet.TestResolvers.Counting;
import io.github.regionalrouter.servlet.TestResolvers.Gate;
import io.github.regionalrouter.servlet.TestResolvers.Timing;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletRegistration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios of {@link RegionRoutingFilter}, run in a real servlet container: one subclass per
 * container. Each test deploys the filter in front of {@link EchoServlet} through the standard
 * {@code ServletContext} API. {@link Timing#IMMEDIATE} resolvers take the synchronous path (as a
 * cache hit does); {@link Timing#DELAYED} ones answer later from another thread, so the filter
 * suspends the request and resumes it by async dispatch.
 */
abstract class RegionRoutingFilterContract {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final ServletContainer.Starter starter;
  private final int smallPool;
  private ScheduledExecutorService scheduler;
  private ServletContainer container;
  private RegionalRouter router;
  private EchoServlet echo;

  /**
   * @param smallPool a container pool size much smaller than the concurrency test's 200 requests
   */
  RegionRoutingFilterContract(ServletContainer.Starter starter, int smallPool) {
    this.starter = starter;
    this.smallPool = smallPool;
  }

  @BeforeEach
  void startScheduler() {
    scheduler = Executors.newScheduledThreadPool(2);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (container != null) {
        container.close();
      }
    } finally {
      if (router != null) {
        router.close();
      }
      scheduler.shutdownNow();
    }
  }

  private static final EnumSet<DispatcherType> REQUEST_AND_ASYNC =
      EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);

  private void deploy(RegionalRouter router) throws Exception {
    deploy(router, REQUEST_AND_ASYNC, true, false);
  }

  /**
   * Deploys the filter, mapped for {@code dispatch}, in front of the echo servlet; optionally
   * behind a pass-through filter that does not support async.
   */
  private void deploy(
      RegionalRouter router, EnumSet<DispatcherType> dispatch, boolean asyncServlet, boolean syncFilterFirst)
      throws Exception {
    this.router = router;
    this.echo = new EchoServlet("region");
    ServletContainerInitializer deployment =
        (classes, ctx) -> {
          if (syncFilterFirst) {
            FilterRegistration.Dynamic sync = ctx.addFilter("sync", (req, res, chain) -> chain.doFilter(req, res));
            sync.setAsyncSupported(false);
            sync.addMappingForUrlPatterns(REQUEST_AND_ASYNC, false, "/*");
          }
          FilterRegistration.Dynamic f = ctx.addFilter("region-routing", new RegionRoutingFilter(router));
          f.setAsyncSupported(true);
          f.addMappingForUrlPatterns(dispatch, false, "/*");
          ServletRegistration.Dynamic s = ctx.addServlet("echo", echo);
          s.setAsyncSupported(asyncServlet);
          s.addMapping("/");
        };
    container = starter.start(smallPool, deployment);
  }

  /** Deploys the filter the {@code web.xml} way: by class, with init-param {@code config}. */
  private void deployFromConfig(Path config) throws Exception {
    this.echo = new EchoServlet("region");
    container =
        starter.start(
            smallPool,
            (classes, ctx) -> {
              FilterRegistration.Dynamic f = ctx.addFilter("region-routing", RegionRoutingFilter.class);
              f.setInitParameter(RegionRoutingFilter.CONFIG_PARAM, config.toString());
              f.setAsyncSupported(true);
              f.addMappingForUrlPatterns(REQUEST_AND_ASYNC, false, "/*");
              ServletRegistration.Dynamic s = ctx.addServlet("echo", echo);
              s.setAsyncSupported(true);
              s.addMapping("/");
            });
  }

  private HttpRequest.Builder request(String path, String host) {
    return HttpRequest.newBuilder(container.uri().resolve(path))
        .timeout(Duration.ofSeconds(20))
        .header("Host", host);
  }

  private HttpResponse<String> get(String path, String host) throws Exception {
    return CLIENT.send(request(path, host).build(), HttpResponse.BodyHandlers.ofString());
  }

  private ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @ParameterizedTest
  @EnumSource(Timing.class)
  @Timeout(30)
  void bothRegionsAreResolvedAndVisibleDownstream(Timing timing) throws Exception {
    deploy(router(timed(timing, HOSTS, scheduler())).build());
    String dispatch = timing == Timing.IMMEDIATE ? "REQUEST" : "ASYNC";

    HttpResponse<String> east = get("/hello", "east.example.com");
    assertThat(east.statusCode()).isEqualTo(200);
    assertThat(east.headers().firstValue("Processed-By")).hasValue("Regional Router");
    assertThat(EchoServlet.parse(east.body()))
        .containsEntry("region", "us_east1")
        .containsEntry("REGION", "us_east1")
        .containsEntry("headers", "us_east1")
        .containsEntry("names", "region")
        .containsEntry("decision.region", "us_east1")
        .containsEntry("decision.source", "RESOLVER")
        .containsEntry("decision.cluster", "us_east1")
        .containsEntry("decision.endpoint", "10.0.0.1:8080")
        .containsEntry("dispatch", dispatch);

    HttpResponse<String> central = get("/hello", "Central.Example.com:8443");
    assertThat(central.statusCode()).isEqualTo(200);
    assertThat(EchoServlet.parse(central.body()))
        .containsEntry("region", "us_central1")
        .containsEntry("headers", "us_central1")
        .containsEntry("decision.cluster", "us_central1")
        .containsEntry("decision.endpoint", "10.0.1.1:8080")
        .containsEntry("dispatch", dispatch);
  }

  @ParameterizedTest
  @EnumSource(Timing.class)
  @Timeout(30)
  void routingHeadersSentByTheClientInAnyCaseAreHidden(Timing timing) throws Exception {
    deploy(router(timed(timing, HOSTS, scheduler())).build());

    RawHttp answer =
        RawHttp.exchange(
            container.port(),
            "GET /hello HTTP/1.0\r\nHost: east.example.com\r\nregion: us_central1\r\nREGION: forged\r\n"
                + "X-Other: kept\r\nRegion: x\r\nrEgIoN: y\r\n\r\n");

    assertThat(answer.status).isEqualTo(200);
    assertThat(EchoServlet.parse(answer.body))
        .containsEntry("region", "us_east1")
        .containsEntry("REGION", "us_east1")
        .containsEntry("headers", "us_east1")
        .containsEntry("names", "region")
        .containsEntry("decision.cluster", "us_east1");
  }

  @ParameterizedTest
  @EnumSource(Timing.class)
  @Timeout(30)
  void whenDiscoveryIsDownTheFallbackRegionIsUsed(Timing timing) throws Exception {
    deploy(router(timed(timing, DOWN, scheduler())).fallbackRegion("us_central1").build());

    HttpResponse<String> answer = get("/hello", "east.example.com");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(EchoServlet.parse(answer.body()))
        .containsEntry("region", "us_central1")
        .containsEntry("decision.source", "FALLBACK")
        .containsEntry("decision.cluster", "us_central1");
  }

  @ParameterizedTest
  @EnumSource(Timing.class)
  @Timeout(30)
  void whenDiscoveryIsDownWithoutFallbackTheFilterAnswers503AndSkipsTheChain(Timing timing) throws Exception {
    deploy(router(timed(timing, DOWN, scheduler())).build());

    HttpResponse<String> answer = get("/hello", "east.example.com");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("X-Router-Error")).hasValue("discovery_unavailable");
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWithIgnoringCase("text/plain"));
    assertThat(answer.body()).isEqualTo("region discovery failed\n");
    assertThat(echo.calls()).isZero();
  }

  @Test
  @Timeout(30)
  void aThrowingListenerChangesNoAnswerOnTheCacheMissOrTheCacheHitPathAndIsLoggedOnce() throws Exception {
    ThrowingListener throwing = new ThrowingListener();
    Counting resolver = new Counting(delayed(HOSTS, 50, scheduler()));
    try (LogCapture log = new LogCapture()) {
      deploy(router(resolver).cache(ResolverCache.ofTtl(Duration.ofMinutes(5))).listener(throwing).build());

      HttpResponse<String> miss = get("/hello", "east.example.com");
      HttpResponse<String> hit = get("/hello", "east.example.com");
      int lookups = resolver.calls.get();
      HttpResponse<String> failed = get("/hello", "nowhere.example.com");

      assertThat(miss.statusCode()).isEqualTo(200);
      assertThat(EchoServlet.parse(miss.body()))
          .containsEntry("region", "us_east1").containsEntry("dispatch", "ASYNC");
      assertThat(hit.statusCode()).isEqualTo(200);
      assertThat(EchoServlet.parse(hit.body()))
          .containsEntry("region", "us_east1").containsEntry("dispatch", "REQUEST");
      assertThat(lookups).as("the second request was a cache hit").isEqualTo(1);
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.headers().firstValue("X-Router-Error")).hasValue("cluster_not_found");
      assertThat(throwing.calls.get()).as("the listener heard (and threw on) the events").isGreaterThanOrEqualTo(5);
      assertThat(log.linesContaining("routing listener throwing-listener threw")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @CsvSource({"IMMEDIATE, 503", "DELAYED, 503", "IMMEDIATE, 404", "DELAYED, 404"})
  @Timeout(30)
  void anUnknownClusterIsAnsweredWithTheConfiguredStatus(Timing timing, int status) throws Exception {
    deploy(router(timed(timing, HOSTS, scheduler())).clusterNotFoundStatus(status).build());

    HttpResponse<String> answer = get("/hello", "nowhere.example.com");

    assertThat(answer.statusCode()).isEqualTo(status);
    assertThat(answer.headers().firstValue("X-Router-Error")).hasValue("cluster_not_found");
    assertThat(answer.body()).isEqualTo("unknown cluster\n");
    assertThat(echo.calls()).isZero();
  }

  @Test
  @Timeout(30)
  void aRequestWithoutHostIsAnswered400WithoutAskingDiscovery() throws Exception {
    Counting resolver = new Counting(HOSTS);
    deploy(router(resolver).build());

    RawHttp answer = RawHttp.exchange(container.port(), "GET /hello HTTP/1.0\r\n\r\n");

    assertThat(answer.status).isEqualTo(400);
    assertThat(answer.headers).containsEntry("x-router-error", "invalid_request");
    assertThat(answer.body).isEqualTo("missing Host header\n");
    assertThat(resolver.calls).hasValue(0);
    assertThat(echo.calls()).isZero();
  }

  @Test
  @Timeout(60)
  void twoHundredConcurrentRequestsWaitForSlowDiscoveryWithoutHoldingContainerThreads() throws Exception {
    int requests = 200;
    long discoveryMillis = 300;
    Gate discovery = new Gate(requests, discoveryMillis, scheduler());
    // if requests held threads, the gate would never fill and all would fail after this timeout
    deploy(router(discovery).resolveTimeout(Duration.ofSeconds(10)).build());

    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      answers.add(CLIENT.sendAsync(request("/hello", "east.example.com").build(), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).join();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    Set<String> threads = new HashSet<>();
    for (CompletableFuture<HttpResponse<String>> a : answers) {
      HttpResponse<String> answer = a.join();
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      Map<String, String> seen = EchoServlet.parse(answer.body());
      assertThat(seen).containsEntry("region", "us_east1").containsEntry("dispatch", "ASYNC");
      threads.add(seen.get("thread"));
    }
    assertThat(discovery.mostWaiting()).isEqualTo(requests);
    assertThat(threads.size()).isLessThanOrEqualTo(smallPool);
    // a pool that held its threads would need at least requests * discovery / pool
    assertThat(elapsed).isLessThan(Duration.ofMillis(requests * discoveryMillis / smallPool));
  }

  @Test
  @Timeout(30)
  void anAsyncServletThatDispatchesAgainKeepsTheDecisionWithoutAskingDiscoveryAgain() throws Exception {
    Counting resolver = new Counting(delayed(HOSTS, 50, scheduler()));
    deploy(router(resolver).build());

    HttpResponse<String> answer =
        CLIENT.send(request("/redispatch", "east.example.com").header("region", "forged").build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(EchoServlet.parse(answer.body()))
        .containsEntry("region", "us_east1")
        .containsEntry("headers", "us_east1")
        .containsEntry("decision.cluster", "us_east1")
        .containsEntry("dispatch", "ASYNC");
    assertThat(resolver.calls).hasValue(1);
  }

  @Test
  @Timeout(30)
  void withoutAnAsyncMappingTheServletStillSeesOnlyTheResolvedRegion() throws Exception {
    deploy(router(delayed(HOSTS, 50, scheduler())).build(), EnumSet.of(DispatcherType.REQUEST), true, false);

    HttpResponse<String> answer =
        CLIENT.send(request("/hello", "east.example.com").header("region", "forged").build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(EchoServlet.parse(answer.body()))
        .containsEntry("region", "us_east1")
        .containsEntry("headers", "us_east1")
        .containsEntry("names", "region")
        .containsEntry("decision.cluster", "us_east1");
  }

  @Test
  @Timeout(30)
  void aServletWithoutAsyncSupportIsReachedAfterTheRequestWasSuspended() throws Exception {
    deploy(router(delayed(HOSTS, 50, scheduler())).build(), REQUEST_AND_ASYNC, false, false);

    HttpResponse<String> answer = get("/hello", "east.example.com");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(EchoServlet.parse(answer.body()))
        .containsEntry("region", "us_east1")
        .containsEntry("dispatch", "ASYNC");
  }

  @Test
  @Timeout(30)
  void behindAFilterWithoutAsyncSupportTheRequestIsRefusedEvenWhenTheDecisionIsImmediate() throws Exception {
    deploy(router(HOSTS).build(), REQUEST_AND_ASYNC, true, true);

    HttpResponse<String> answer = get("/hello", "east.example.com");

    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(echo.calls()).isZero();
  }

  @Test
  @Timeout(30)
  void aFilterDeclaredWithTheConfigInitParamRoutesAsTheFileSays(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("router.json"), RegionRoutingFilterInitTest.SAMPLE_CONFIG);
    deployFromConfig(config);

    HttpResponse<String> answer = get("/hello", "central.example.com");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Processed-By")).hasValue("Regional Router");
    assertThat(EchoServlet.parse(answer.body()))
        .containsEntry("region", "us_central1")
        .containsEntry("decision.cluster", "us_central1");
  }

  @Test
  @Timeout(30)
  void aBadConfigKeepsTheWebappFromStarting(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("router.json"), "{\"clusters\": []}");

    assertThatThrownBy(() -> deployFromConfig(config)).isInstanceOf(Exception.class);
    assertThat(container).isNull();
  }

  /** The container's root, for messages. */
  URI uri() {
    return container.uri();
  }
}
