package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Case 18: an upstream answer with ambiguous framing or a header that could be split is refused
 * with 502, and nothing of it reaches the client (checked on the raw bytes the client receives).
 */
@Timeout(30)
class MalformedUpstreamResponseTest {
  static final String POST = "POST / HTTP/1.1\r\nHost: bad.example\r\nContent-Length: 5\r\n"
      + "Content-Type: text/plain\r\nConnection: close\r\n\r\nhello";

  RawUpstream upstream;
  ProxyUnderTest proxy;

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** Answers both upstream clients refuse. */
  static Stream<Arguments> refusedAnswers() {
    return Stream.of(
        Arguments.of("a NUL in a header value",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\0evil\r\n\r\nok", "evil"));
  }

  /** Answers java.net.http (JDK 17) accepts, and the proxy forwards: see the disabled test. */
  static Stream<Arguments> acceptedAnswers() {
    return Stream.of(
        Arguments.of("Transfer-Encoding and Content-Length",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nSMUGG\r\n0\r\n\r\n", "SMUGG"),
        Arguments.of("Content-Length and Transfer-Encoding",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nSMUGG\r\n0\r\n\r\n", "SMUGG"),
        Arguments.of("a folded header line",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Folded: a\r\n Injected: evil\r\n\r\nok", "evil"),
        Arguments.of("a bare CR in a header value",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\rInjected: evil\r\n\r\nok", "evil"),
        Arguments.of("a bare LF in a header value",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\nInjected: evil\r\n\r\nok", "evil"));
  }

  /*
   * GET goes through the fast upstream client (branch "fast"), which refuses all six. On
   * java.net.http alone (main before "fast") five of them fail: see the POST test below.
   */
  @ParameterizedTest(name = "an upstream answer to a GET with {0} is refused with 502 and none of it reaches the client")
  @MethodSource({"refusedAnswers", "acceptedAnswers"})
  void anUpstreamAnswerToAGetWithBadFramingOrASplittableHeaderIsRefusedWith502(
      String what, String answer, String marker) throws IOException {
    assertRefused(what, answer, marker);
  }

  @ParameterizedTest(name = "an upstream answer to a POST with {0} is refused with 502 and none of it reaches the client")
  @MethodSource("refusedAnswers")
  void anUpstreamAnswerToAPostWithAHeaderThatCouldBeSplitIsRefusedWith502(
      String what, String answer, String marker) throws IOException {
    assertRefused(what, answer, marker, POST);
  }

  /*
   * Found by this test on JDK 17: a request with a body goes upstream through java.net.http, which
   * accepts all five answers, and the proxy passes them on as 200. Both TE and CL: the body is
   * framed by Content-Length ("5\r\nSM") and the rest stays on the pooled upstream connection (a
   * response desync). Folded line: joined into one value "a Injected: evil". Bare CR or LF: split
   * into a new header "Injected: evil" that the client receives. Enable once the upstream client
   * for requests with bodies (or the relay) refuses them.
   */
  @ParameterizedTest(name = "an upstream answer to a POST with {0} is refused with 502 and none of it reaches the client")
  @MethodSource("acceptedAnswers")
  void anUpstreamAnswerToAPostWithAmbiguousFramingOrASplittableHeaderIsRefusedWith502(
      String what, String answer, String marker) throws IOException {
    assertRefused(what, answer, marker, POST);
  }

  private void assertRefused(String what, String answer, String marker) throws IOException {
    assertRefused(what, answer, marker, "GET / HTTP/1.1\r\nHost: bad.example\r\nConnection: close\r\n\r\n");
  }

  private void assertRefused(String what, String answer, String marker, String request) throws IOException {
    upstream = new RawUpstream(RawUpstream.canned(answer));
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.fixed(Map.of("bad.example", "bad")))
        .noCache()
        .cluster(Cluster.named("bad").endpoint(upstream.uri())));

    FaultRig.Reply reply;
    try (java.net.Socket s = FaultRig.open(proxy.address())) {
      FaultRig.send(s, request);
      reply = FaultRig.read(s.getInputStream());
    }

    assertThat(reply.status).as(what + ": " + reply).isEqualTo(502);
    assertThat(reply.rawText()).as(what).doesNotContain(marker).doesNotContain("\0");
    assertThat(reply.header("Injected")).isNull();
  }
}
