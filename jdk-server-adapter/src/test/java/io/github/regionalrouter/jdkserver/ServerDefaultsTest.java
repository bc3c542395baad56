package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.config.RouterConfig;
import io.github.regionalrouter.config.ServerLimits;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each server default is declared once, in {@link ServerLimits}: the proxy's builder, the config
 * file and the README's "Limits and their defaults" table agree with it; an option of one engine
 * only is refused with the other.
 */
@Timeout(30)
class ServerDefaultsTest {
  RecordingUpstream upstream;
  RegionalRouter router;
  RegionalProxyServer proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = new RecordingUpstream();
    router = RegionalRouter.builder()
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1")))
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint(upstream.uri()))
        .build();
  }

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    router.close();
    upstream.close();
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** The README's limits table: config key column to default column. */
  private static Map<String, String> readmeTable() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    Map<String, String> table = new LinkedHashMap<>();
    int at = lines.indexOf("## Limits and their defaults");
    assertThat(at).as("the README's limits section").isNotNegative();
    for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i);
      if (line.startsWith("|") && !line.startsWith("|---")) {
        String[] cells = line.split("\\|");
        table.put(cells[4].trim(), cells[2].trim());
      }
    }
    return table;
  }

  @Test
  void theReadmeLimitsTableStatesTheDeclaredDefaults() throws IOException {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("`server.maxHeaderBytes` / `server.maxHeaders`",
        count(ServerLimits.DEFAULT_MAX_HEADER_BYTES) + " / " + ServerLimits.DEFAULT_MAX_HEADERS + " (→ 431)");
    expected.put("`server.headerTimeout` / `server.bodyIdleTimeout`",
        seconds(ServerLimits.DEFAULT_HEADER_TIMEOUT) + " / " + seconds(ServerLimits.DEFAULT_BODY_IDLE_TIMEOUT));
    expected.put("`server.maxRequestTime`", seconds(ServerLimits.DEFAULT_MAX_REQUEST_TIME));
    expected.put("`server.maxRequestLineBytes`",
        count(ServerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES) + " bytes (→ 414)");
    expected.put("`server.maxRequestBodyBytes`",
        ServerLimits.DEFAULT_MAX_REQUEST_BODY_BYTES == Long.MAX_VALUE ? "unlimited (→ 413)"
            : count(ServerLimits.DEFAULT_MAX_REQUEST_BODY_BYTES) + " bytes (→ 413)");
    expected.put("`server.drainTimeout`", seconds(ServerLimits.DEFAULT_DRAIN_TIMEOUT));

    assertThat(readmeTable()).containsAllEntriesOf(expected);
  }

  @Test
  void aConfigFileWithoutServerLimitsGetsTheDeclaredDefaults() {
    ServerLimits s = RouterConfig.parse("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """, "min.json").server();

    assertThat(s.maxHeaderBytes()).isEqualTo(ServerLimits.DEFAULT_MAX_HEADER_BYTES);
    assertThat(s.maxHeaders()).isEqualTo(ServerLimits.DEFAULT_MAX_HEADERS);
    assertThat(s.headerTimeout()).isEqualTo(ServerLimits.DEFAULT_HEADER_TIMEOUT);
    assertThat(s.bodyIdleTimeout()).isEqualTo(ServerLimits.DEFAULT_BODY_IDLE_TIMEOUT);
    assertThat(s.drainTimeout()).isEqualTo(ServerLimits.DEFAULT_DRAIN_TIMEOUT);
    assertThat(s.maxRequestLineBytes()).isEqualTo(ServerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES);
    assertThat(s.maxRequestBodyBytes()).isEqualTo(ServerLimits.DEFAULT_MAX_REQUEST_BODY_BYTES);
  }

  @Test
  void theBuilderStartsWithTheDeclaredDefaults() {
    RegionalProxyServer.Builder b = RegionalProxyServer.builder();

    assertThat(b.maxRequestHeaders).isEqualTo(ServerLimits.DEFAULT_MAX_HEADERS);
    assertThat(b.maxRequestHeaderBytes).isEqualTo(ServerLimits.DEFAULT_MAX_HEADER_BYTES);
    assertThat(b.maxRequestLineBytes).isEqualTo(ServerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES);
    assertThat(b.headerTimeout).isEqualTo(ServerLimits.DEFAULT_HEADER_TIMEOUT);
    assertThat(b.bodyIdleTimeout).isEqualTo(ServerLimits.DEFAULT_BODY_IDLE_TIMEOUT);
    assertThat(b.drainTimeout).isEqualTo(ServerLimits.DEFAULT_DRAIN_TIMEOUT);
    assertThat(b.requestTimeLimit).isEqualTo(ServerLimits.DEFAULT_MAX_REQUEST_TIME);
  }

  private static String getWithHeaders(int port, int headers) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("GET /h HTTP/1.1");
    lines.add("Host: a.example");
    lines.add("Connection: close");
    while (lines.size() - 1 < headers) { // the request line is not a header
      lines.add("X-H" + lines.size() + ": v");
    }
    return String.valueOf(RawHttp.send(port, lines.toArray(new String[0])).status);
  }

  @Test
  void theProxyWithDefaultsTakesTheDeclaredNumberOfHeadersAndRefusesOneMore() throws Exception {
    proxy = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).start();
    int port = proxy.address().getPort();

    assertThat(getWithHeaders(port, ServerLimits.DEFAULT_MAX_HEADERS)).isEqualTo("200");
    assertThat(upstream.received.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(getWithHeaders(port, ServerLimits.DEFAULT_MAX_HEADERS + 1)).isEqualTo("431");
    assertThat(upstream.received).isEmpty();
  }

  private void assertRefused(RegionalProxyServer.Engine engine, Consumer<RegionalProxyServer.Builder> option,
      String message) {
    RegionalProxyServer.Builder b = RegionalProxyServer.builder().bind("127.0.0.1", 0).router(router).engine(engine);
    option.accept(b);
    assertThatThrownBy(b::start).isInstanceOf(IllegalStateException.class).hasMessage(message);
  }

  @Test
  void anOptionOfOneEngineIsRefusedWithTheOther() {
    assertRefused(RegionalProxyServer.Engine.JDK_HTTPSERVER, b -> b.headerTimeout(Duration.ofSeconds(5)),
        "headerTimeout: applies to engine HTTP1 only (expected: not set with engine JDK_HTTPSERVER,"
            + " which would ignore it)");
    assertRefused(RegionalProxyServer.Engine.JDK_HTTPSERVER, b -> b.maxRequestLineBytes(4096),
        "maxRequestLineBytes: applies to engine HTTP1 only (expected: not set with engine JDK_HTTPSERVER,"
            + " which would ignore it)");
    assertRefused(RegionalProxyServer.Engine.JDK_HTTPSERVER, b -> b.eventLoop(false),
        "eventLoop: applies to engine HTTP1 only (expected: not set with engine JDK_HTTPSERVER,"
            + " which would ignore it)");
    assertRefused(RegionalProxyServer.Engine.HTTP1, b -> b.requestTimeLimit(Duration.ofMinutes(5)),
        "requestTimeLimit: applies to engine JDK_HTTPSERVER only (expected: not set with engine HTTP1,"
            + " which would ignore it)");
  }
}
