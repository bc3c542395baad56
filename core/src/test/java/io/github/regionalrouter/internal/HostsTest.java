package io.github.regionalrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RoutingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostsTest {

  @ParameterizedTest
  @CsvSource({
    "a.com, a.com",
    "A.COM, a.com",
    "a.com:8080, a.com",
    "a.com., a.com",
    "Api.Example.Com.:443, api.example.com",
    "127.0.0.1:80, 127.0.0.1",
    "[::1]:8080, [::1]",
    "[2001:DB8::1], [2001:db8::1]",
    "under_score-dash.example, under_score-dash.example",
  })
  void normalizesValidHosts(String authority, String expected) {
    assertThat(Hosts.normalize(authority)).isEqualTo(expected);
  }

  @Test
  void returnsTheSameInstanceWhenAlreadyNormal() {
    String host = "api.example.com";
    assertThat(Hosts.normalize(host)).isSameAs(host);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "a..com",
        ".a.com",
        "a.com/x",
        "a.com?x",
        "user@a.com",
        "a.com#x",
        "a\\b.com",
        "a b.com",
        "a.com\r\nregion: evil",
        "a.com\u0000",
        "ünïcode.example",
        "a.com:",
        "a.com:0",
        "a.com:65536",
        "a.com:80x",
        "a.com:-1",
        "a%2e.com",
        "[::1",
        "[zz::1]",
        "[::1]x",
        "*.a.com",
      })
  void rejectsInvalidHosts(String authority) {
    assertThat(Hosts.normalize(authority)).isNull();
  }

  @Test
  void rejectsHostsLongerThan255Characters() {
    String label = "a".repeat(60);
    String longHost = String.join(".", label, label, label, label, label);
    assertThat(longHost.length()).isGreaterThan(255);
    assertThat(Hosts.normalize(longHost)).isNull();
  }

  @Test
  void missingHostIsAnInvalidRequest() {
    InboundRequest request = InboundRequest.builder().build();
    assertThatThrownBy(() -> Hosts.hostOf(request))
        .isInstanceOfSatisfying(
            RoutingException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("missing Host");
            });
  }

  @Test
  void twoHostHeadersAreAnInvalidRequest() {
    InboundRequest request =
        InboundRequest.builder().header("Host", "a.com").header("host", "b.com").build();
    assertThatThrownBy(() -> Hosts.hostOf(request))
        .isInstanceOf(RoutingException.class)
        .hasMessageContaining("more than one Host");
  }

  @Test
  void absoluteFormTargetWinsOverTheHostHeader() {
    InboundRequest request =
        InboundRequest.builder()
            .target("http://Other.Example:8080/a?b=c")
            .header("Host", "a.example")
            .build();
    assertThat(Hosts.hostOf(request)).isEqualTo("other.example");
  }

  @Test
  void absoluteFormWithUserInfoIsRejected() {
    InboundRequest request =
        InboundRequest.builder().target("http://evil@a.example/").header("Host", "a.example").build();
    assertThatThrownBy(() -> Hosts.hostOf(request)).isInstanceOf(RoutingException.class);
  }
}
