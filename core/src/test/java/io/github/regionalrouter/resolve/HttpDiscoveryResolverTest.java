package io.github.regionalrouter.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.InboundRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpDiscoveryResolverTest {
  private static final InboundRequest REQUEST = InboundRequest.builder().build();

  private MockWebServer server;
  private String base;

  @BeforeEach
  void startServer() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    base = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
  }

  @AfterEach
  void closeServer() {
    server.close();
  }

  private HttpDiscoveryResolver.Builder discovery() {
    return RegionResolvers.httpDiscovery(base + "/regions?host={host}");
  }

  private void answer(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).body(body).build());
  }

  private static RegionAnswer await(CompletionStage<RegionAnswer> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<RegionAnswer> stage) throws Exception {
    try {
      RegionAnswer answer = stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + answer);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private String failureMessage(HttpDiscoveryResolver resolver, String body) throws Exception {
    answer(200, body);
    Throwable failure = failureOf(resolver.resolve("a.com", REQUEST));
    assertThat(failure).isExactlyInstanceOf(DiscoveryException.class);
    return failure.getMessage();
  }

  // ---- answers

  @Test
  void readsTheRegionAtSlashRegionAndSendsOneGetWithTheHost() throws Exception {
    answer(200, "{\"region\":\"us_east1\"}");

    RegionAnswer answer = await(discovery().build().resolve("a.com", REQUEST));

    assertThat(answer).isEqualTo(RegionAnswer.of("us_east1"));
    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getMethod()).isEqualTo("GET");
    assertThat(recorded.getTarget()).isEqualTo("/regions?host=a.com");
    assertThat(recorded.getHeaders().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void readsTheRegionAtArgsRegionFromAnHttpbinStyleAnswer() throws Exception {
    answer(
        200,
        "{\"headers\":{\"Host\":\"discovery\",\"X-Nested\":[1,{\"region\":\"wrong\"},[[]]]},"
            + "\"region\":\"also_wrong\",\"args\":{\"other\":{\"region\":\"no\"},\"region\":\"us_east1\"},"
            + "\"url\":\"http://discovery/anything?region=a.com\"}");

    RegionAnswer answer = await(discovery().regionPointer("/args/region").build().resolve("a.com", REQUEST));

    assertThat(answer.regionOrNull()).isEqualTo("us_east1");
  }

  @Test
  void readsTheRegionAtAnArrayIndex() throws Exception {
    answer(200, "{\"regions\":[{\"x\":[1,2]},\"eu_west1\",\"us_east1\"]}");

    RegionAnswer answer = await(discovery().regionPointer("/regions/1").build().resolve("a.com", REQUEST));

    assertThat(answer.regionOrNull()).isEqualTo("eu_west1");
  }

  @Test
  void readsMemberNamesWithEscapedSlashAndTilde() throws Exception {
    answer(200, "{\"a/b\":{\"c~d\":\"r1\"}}");

    RegionAnswer answer = await(discovery().regionPointer("/a~1b/c~0d").build().resolve("a.com", REQUEST));

    assertThat(answer.regionOrNull()).isEqualTo("r1");
  }

  @Test
  void answers404AsUnknown() throws Exception {
    answer(404, "{\"error\":\"no such host\"}");

    assertThat(await(discovery().build().resolve("a.com", REQUEST))).isEqualTo(RegionAnswer.unknown());
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503, 400, 302, 204})
  void failsOnAnyOtherStatusNamingIt(int status) throws Exception {
    server.enqueue(
        new MockResponse.Builder().code(status).addHeader("Location", base + "/elsewhere").build());

    Throwable failure = failureOf(discovery().build().resolve("a.com", REQUEST));

    if (status == 204) {
      // a 2xx without a body is a bad answer, not a status failure
      assertThat(failure).hasMessageStartingWith("discovery for \"a.com\" failed: ");
    } else {
      assertThat(failure)
          .isExactlyInstanceOf(DiscoveryException.class)
          .hasMessage("discovery for \"a.com\" failed: answered " + status);
    }
    assertThat(((DiscoveryException) failure).host()).isEqualTo("a.com");
    assertThat(server.getRequestCount()).isEqualTo(1); // redirects are not followed
  }

  @Test
  void failsWhenTheServiceCannotBeReached() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String template = "http://127.0.0.1:" + closedPort + "/regions?host={host}";

    Throwable failure = failureOf(RegionResolvers.httpDiscovery(template).build().resolve("a.com", REQUEST));

    assertThat(failure)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageStartingWith("discovery for \"a.com\" failed: ");
  }

  // ---- time and size limits

  @Test
  void failsWithinTheTimeoutWhenTheServiceNeverAnswers() throws Exception {
    try (ServerSocket silent = new ServerSocket()) {
      // the kernel accepts the connection from the backlog; nobody ever reads or answers
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      HttpDiscoveryResolver resolver =
          RegionResolvers.httpDiscovery("http://127.0.0.1:" + silent.getLocalPort() + "/r?host={host}")
              .timeout(Duration.ofMillis(500))
              .build();

      long start = System.nanoTime();
      Throwable failure = failureOf(resolver.resolve("a.com", REQUEST));
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(failure)
          .isExactlyInstanceOf(DiscoveryTimeoutException.class)
          .hasMessage("discovery for \"a.com\" failed: timed out after 500 ms");
      assertThat(elapsedMillis).isBetween(400L, 2_500L);
    }
  }

  @Test
  void failsWithinTheTimeoutWhenHeadersAreDelayed() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .body("{\"region\":\"us_east1\"}")
            .headersDelay(3, TimeUnit.SECONDS)
            .build());
    HttpDiscoveryResolver resolver = discovery().timeout(Duration.ofMillis(500)).build();

    long start = System.nanoTime();
    Throwable failure = failureOf(resolver.resolve("a.com", REQUEST));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(failure).isInstanceOf(DiscoveryTimeoutException.class);
    assertThat(elapsedMillis).isBetween(400L, 2_500L);
  }

  @Test
  void failsWithinTheTimeoutWhenTheBodyTricklesAfterPromptHeaders() throws Exception {
    String body = "{\"region\":\"us_east1\",\"pad\":\"" + "x".repeat(2_000) + "\"}";
    server.enqueue(
        new MockResponse.Builder()
            .body(body)
            .throttleBody(10, 100, TimeUnit.MILLISECONDS) // 20 s for the whole body
            .build());
    HttpDiscoveryResolver resolver = discovery().timeout(Duration.ofMillis(500)).build();

    long start = System.nanoTime();
    Throwable failure = failureOf(resolver.resolve("a.com", REQUEST));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(failure).isExactlyInstanceOf(DiscoveryTimeoutException.class);
    assertThat(elapsedMillis).isBetween(400L, 2_500L);
  }

  @Test
  void completesATimedOutStageOffTheJdkDelaySchedulerThread() throws Exception {
    server.enqueue(new MockResponse.Builder().body("{}").headersDelay(3, TimeUnit.SECONDS).build());
    HttpDiscoveryResolver resolver = discovery().timeout(Duration.ofMillis(200)).build();

    String thread =
        resolver
            .resolve("a.com", REQUEST)
            .handle((answer, error) -> Thread.currentThread().getName())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    // callers' callbacks must not hold up the JVM-wide thread that fires every orTimeout
    assertThat(thread).doesNotContain("DelayScheduler");
  }

  @Test
  void failsAnOversizedChunkedBodyAsSoonAsItPassesTheCapWithoutReadingTheRest() throws Exception {
    String tenMegabytes = "{\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\",\"region\":\"us_east1\"}";
    server.enqueue(
        new MockResponse.Builder()
            .chunkedBody(tenMegabytes, 16 * 1024)
            .throttleBody(64 * 1024, 50, TimeUnit.MILLISECONDS) // ~8 s for the whole body
            .build());
    HttpDiscoveryResolver resolver = discovery().timeout(Duration.ofSeconds(10)).build();

    long start = System.nanoTime();
    Throwable failure = failureOf(resolver.resolve("a.com", REQUEST));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(failure)
        .isExactlyInstanceOf(DiscoveryException.class)
        .hasMessage("discovery for \"a.com\" failed: answer body exceeds 65536 bytes");
    assertThat(elapsedMillis).isLessThan(4_000L);
  }

  @Test
  void failsABodyWhoseContentLengthIsOverTheCapBeforeReadingIt() throws Exception {
    answer(200, "{\"region\":\"us_east1\",\"pad\":\"" + "x".repeat(2_000) + "\"}");

    Throwable failure = failureOf(discovery().maxBodyBytes(1_000).build().resolve("a.com", REQUEST));

    assertThat(failure)
        .hasMessageMatching("discovery for \"a\\.com\" failed: answer Content-Length \\d+ exceeds 1000 bytes");
  }

  @Test
  void acceptsABodyOfExactlyTheCap() throws Exception {
    String body = "{\"region\":\"us_east1\"}";
    answer(200, body);

    RegionAnswer answer = await(discovery().maxBodyBytes(body.length()).build().resolve("a.com", REQUEST));

    assertThat(answer.regionOrNull()).isEqualTo("us_east1");
  }

  // ---- bad answers

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"region\":\"us_east1\"",
        "{\"region\":\"us_east1\"} garbage",
        "{\"region\":us_east1}",
        "<html>oops</html>",
        "{\"region\":\"us_east1\",\"region\":\"eu_west1\"}",
        "{\"region\":\"us_east1\",\"n\":1" + "111111111111111111111111111111111111111111111111111111111111111111111}",
      })
  void failsAMalformedOrAmbiguousAnswer(String body) throws Exception {
    assertThat(failureMessage(discovery().build(), body))
        .startsWith("discovery for \"a.com\" failed: malformed JSON");
  }

  @Test
  void failsASecondJsonValueAfterTheAnswer() throws Exception {
    assertThat(failureMessage(discovery().build(), "{\"region\":\"us_east1\"} {}"))
        .contains("malformed JSON: trailing content");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[", "{\"a\":"})
  void failsDeeplyNestedJsonWithoutOverflowingTheStack(String open) throws Exception {
    String body = open.repeat(5_000);

    assertThat(failureMessage(discovery().build(), body)).contains("nesting depth");
  }

  @Test
  void failsAnEmptyBody() throws Exception {
    assertThat(failureMessage(discovery().build(), "")).endsWith("failed: empty body, expected JSON");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/region       | {\"other\":\"us_east1\"}",
        "/args/region  | {\"args\":\"us_east1\"}",
        "/regions/2    | {\"regions\":[\"a\",\"b\"]}",
        "/regions/01   | {\"regions\":[\"a\",\"b\"]}",
        "/region       | [\"us_east1\"]",
      })
  void failsWhenThereIsNoValueAtThePointer(String pointer, String body) throws Exception {
    assertThat(failureMessage(discovery().regionPointer(pointer).build(), body))
        .isEqualTo("discovery for \"a.com\" failed: no value at " + pointer);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "42              | a number",
        "null            | null",
        "{\"x\":\"us\"}  | an object",
        "[\"us\"]        | an array",
        "true            | a boolean",
      })
  void failsWhenTheValueIsNotAString(String value, String kind) throws Exception {
    assertThat(failureMessage(discovery().build(), "{\"region\":" + value + ",\"after\":[1]}"))
        .isEqualTo("discovery for \"a.com\" failed: value at /region is " + kind + ", not a string");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a b",
        "",
        ".",
        "..",
        "us/east",
        "us\\u000d\\u000aX-Evil: 1",
        "r12345678901234567890123456789012345678901234567890123456789012345",
      })
  void failsAnUnsafeRegionValue(String region) throws Exception {
    assertThat(failureMessage(discovery().build(), "{\"region\":\"" + region + "\"}"))
        .startsWith("discovery for \"a.com\" failed: unsafe region value \"")
        .doesNotContain("\r", "\n");
  }

  // ---- the request

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a.com&region=eu#x | a.com%26region%3Deu%23x",
        "a.com%0d%0a       | a.com%250d%250a",
        "'a b'             | a%20b",
        "ünïcode.example   | %C3%BCn%C3%AFcode.example",
        "a.com/path?x=1    | a.com%2Fpath%3Fx%3D1",
        "a.com;x=1+2       | a.com%3Bx%3D1%2B2",
      })
  void sendsAHostileHostAsOnePercentEncodedQueryValue(String host, String encoded) throws Exception {
    answer(200, "{\"region\":\"us_east1\"}");

    await(discovery().build().resolve(host, REQUEST));

    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getTarget()).isEqualTo("/regions?host=" + encoded);
    assertThat(recorded.getUrl().encodedPath()).isEqualTo("/regions");
    assertThat(recorded.getUrl().queryParameterNames()).isEqualTo(Set.of("host"));
    assertThat(recorded.getUrl().queryParameter("host")).isEqualTo(host);
    assertThat(recorded.getUrl().fragment()).isNull();
  }

  @Test
  void sendsAHostWithCrLfAsOneEncodedValueNotAsNewHeaders() throws Exception {
    answer(200, "{\"region\":\"us_east1\"}");

    await(discovery().build().resolve("a.com\r\nX-Evil: 1", REQUEST));

    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getTarget()).isEqualTo("/regions?host=a.com%0D%0AX-Evil%3A%201");
    assertThat(recorded.getHeaders().get("X-Evil")).isNull();
  }

  @Test
  void keepsAHostInOnePathSegmentWhenTheTemplatePutsItInThePath() throws Exception {
    answer(200, "{\"region\":\"us_east1\"}");

    await(RegionResolvers.httpDiscovery(base + "/hosts/{host}/region").build().resolve("../../admin?x=1", REQUEST));

    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getTarget()).isEqualTo("/hosts/..%2F..%2Fadmin%3Fx%3D1/region");
    assertThat(recorded.getUrl().pathSegments()).containsExactly("hosts", "../../admin?x=1", "region");
  }

  @Test
  void sendsTheExtraHeadersOnEveryCallAndRedactsThemInToString() throws Exception {
    answer(200, "{\"region\":\"us_east1\"}");
    answer(200, "{\"region\":\"us_east1\"}");
    HttpDiscoveryResolver resolver =
        discovery().header("Authorization", "Bearer s3cret").header("Accept", "application/vnd.r+json").build();

    await(resolver.resolve("a.com", REQUEST));
    await(resolver.resolve("b.com", REQUEST));

    for (int i = 0; i < 2; i++) {
      RecordedRequest recorded = server.takeRequest();
      assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer s3cret");
      assertThat(recorded.getHeaders().values("Accept")).containsExactly("application/vnd.r+json");
    }
    assertThat(resolver.toString())
        .contains("/regions?host={host}", "Authorization: <redacted>", "regionPointer=/region")
        .doesNotContain("s3cret");
  }

  // ---- the builder

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://discovery/regions?host={host}",
        "/regions?host={host}",
        "discovery:8080/regions?host={host}",
        "http://discovery/regions?host=",
        "http://discovery/regions?host={host}&again={host}",
        "http://{host}/regions",
        "http://discovery{host}.example/regions",
        "http://user:pw@discovery/regions?host={host}",
        "http://discovery/regions?host={host}#fragment",
        "http://discovery/regions?host={host}&x={other}",
        "http://disc overy/regions?host={host}",
        "http://discovery/regions?host={HOST}",
      })
  void builderRejectsABadTemplateNamingIt(String template) {
    assertThatThrownBy(() -> RegionResolvers.httpDiscovery(template))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uriTemplate: \"" + template + "\" (expected: ");
  }

  @Test
  void builderRejectsBadArgumentsNamingThem() {
    HttpDiscoveryResolver.Builder b = discovery();
    assertThatThrownBy(() -> b.timeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeout: PT-0.001S (expected: > 0");
    assertThatThrownBy(() -> b.timeout(Duration.ZERO)).hasMessageStartingWith("timeout: PT0S");
    assertThatThrownBy(() -> b.timeout(Duration.ofDays(2))).hasMessageStartingWith("timeout: PT48H");
    assertThatThrownBy(() -> b.maxBodyBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBodyBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> b.regionPointer("region"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("regionPointer: \"region\" (expected: a JSON Pointer");
    assertThatThrownBy(() -> b.regionPointer("/a~2")).hasMessageStartingWith("regionPointer: \"/a~2\"");
    assertThatThrownBy(() -> b.header("Bad Name", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header name: \"Bad Name\" (expected: an HTTP token)");
    assertThatThrownBy(() -> b.header("Authorization", "Bearer x\r\nX-Evil: secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("header value of \"Authorization\"")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> b.header("Host", "evil.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("header name: \"Host\"");
    assertThatThrownBy(() -> b.httpClient(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RegionResolvers.httpDiscovery(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builderCanBuildTwiceAndLaterChangesDoNotReachBuiltResolvers() throws Exception {
    HttpDiscoveryResolver.Builder b = discovery().regionPointer("/a");
    HttpDiscoveryResolver first = b.build();
    b.regionPointer("/b").header("X-Later", "1");
    HttpDiscoveryResolver second = b.build();
    answer(200, "{\"a\":\"ra\",\"b\":\"rb\"}");
    answer(200, "{\"a\":\"ra\",\"b\":\"rb\"}");

    assertThat(await(first.resolve("a.com", REQUEST)).regionOrNull()).isEqualTo("ra");
    assertThat(await(second.resolve("a.com", REQUEST)).regionOrNull()).isEqualTo("rb");
    assertThat(server.takeRequest().getHeaders().get("X-Later")).isNull();
    assertThat(server.takeRequest().getHeaders().get("X-Later")).isEqualTo("1");
  }
}
