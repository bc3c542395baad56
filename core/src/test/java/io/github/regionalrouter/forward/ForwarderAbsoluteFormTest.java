package io.github.regionalrouter.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.internal.upstream.ScriptedUpstream;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 9112 section 3.2.2 in the core data path, whatever the adapter: a request with an
 * absolute-form target is routed, described and forwarded as the target's authority, never as
 * its Host header. Both lanes: a GET takes the fast lane, a POST with a body java.net.http.
 */
@Timeout(20)
class ForwarderAbsoluteFormTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  private ScriptedUpstream other;
  private ScriptedUpstream hostHeaders;
  private RegionalRouter router;
  private Forwarder forwarder;

  @AfterEach
  void stop() throws IOException {
    if (forwarder != null) {
      forwarder.close();
    }
    if (router != null) {
      router.close();
    }
    if (other != null) {
      other.close();
      hostHeaders.close();
    }
  }

  /** other.example lives in r_other, a.example (the Host header's) in r_host: a mix-up shows. */
  private void start(boolean preserveHost) throws IOException {
    other = ScriptedUpstream.answering(OK);
    hostHeaders = ScriptedUpstream.answering(OK);
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("other.example", "r_other", "a.example", "r_host")))
        .noCache()
        .cluster(Cluster.named("r_other").endpoint("http://127.0.0.1:" + other.port())
            .requestTimeout(Duration.ofSeconds(5)))
        .cluster(Cluster.named("r_host").endpoint("http://127.0.0.1:" + hostHeaders.port())
            .requestTimeout(Duration.ofSeconds(5)))
        .build();
    forwarder = Forwarder.builder(router).preserveHost(preserveHost).retries(false).build();
  }

  private String forward(String method) throws Exception {
    InboundRequest request = InboundRequest.builder().method(method)
        .target("http://Other.Example:8080/p/q?x=1&y=%20").header("Host", "a.example").build();
    byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
    RequestBody b = method.equals("GET") ? RequestBody.empty() : RequestBody.of(new ByteArrayInputStream(body), 3);
    ForwarderFastLaneTest.Sink sink = new ForwarderFastLaneTest.Sink();
    ForwardResult result = forwarder.handle(request, b, sink).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(result.status()).as(sink.text()).isEqualTo(200);
    assertThat(hostHeaders.accepted.get()).as("connections to the Host header's region").isZero();
    return other.heads.poll(5, TimeUnit.SECONDS);
  }

  private static List<String> values(String head, String name) {
    List<String> out = new ArrayList<>();
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        out.add(line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"GET", "POST"})
  void theUpstreamGetsTheOriginFormPathAndQueryOfAnAbsoluteFormTarget(String method) throws Exception {
    start(false);

    String head = forward(method);

    assertThat(head).startsWith(method + " /p/q?x=1&y=%20 HTTP/1.1\r\n");
    assertThat(values(head, "host")).containsExactly("127.0.0.1:" + other.port());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"GET", "POST"})
  void xForwardedHostIsTheTargetsAuthorityNotTheHostHeader(String method) throws Exception {
    start(false);

    String head = forward(method);

    assertThat(values(head, "x-forwarded-host")).containsExactly("Other.Example:8080");
    assertThat(head).doesNotContain("a.example");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"GET", "POST"})
  void withPreserveHostTheForwardedHostIsTheTargetsAuthority(String method) throws Exception {
    boolean allowed;
    try {
      HttpRequest.newBuilder().header("Host", "example.com");
      allowed = true;
    } catch (IllegalArgumentException e) {
      allowed = false;
    }
    // runs in core's surefire execution "preserve-host", which sets jdk.httpclient.allowRestrictedHeaders=host
    assumeThat(allowed).as("java.net.http allows Host").isTrue();
    start(true);

    String head = forward(method);

    assertThat(values(head, "host")).containsExactly("Other.Example:8080");
    assertThat(values(head, "x-forwarded-host")).containsExactly("Other.Example:8080");
    assertThat(head).doesNotContain("a.example");
  }
}
