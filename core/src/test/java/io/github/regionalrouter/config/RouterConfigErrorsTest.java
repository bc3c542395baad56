package io.github.regionalrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigErrorsTest {

  private static ConfigException failure(String json) {
    try {
      RouterConfig.parse(json, "config.json");
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("parsed without error");
  }

  private static void assertFails(String json, String message) {
    assertThat(failure(json)).hasMessage(message);
  }

  @Test
  void unknownKeySuggestsTheNearestKnownKey() {
    ConfigException e = failure("""
        {
          "discovery": {
            "tiemout": "1s",
            "url": "http://127.0.0.1:18090/?host={host}"
          },
          "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]
        }
        """);
    assertThat(e).hasMessage("config.json:3:5: discovery.tiemout: unknown key (did you mean \"timeout\"?)");
    assertThat(e.file()).isEqualTo("config.json");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(5);
    assertThat(e.field()).isEqualTo("discovery.tiemout");
  }

  @Test
  void unknownKeyFarFromEveryKnownKeyListsTheKnownKeys() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "a", "odd": "b", "colour": 1},
         "clusters": [{"name": "a", "endpoints": ["http://127.0.0.1:1"]}]}
        """,
        "config.json:1:67: resolver.colour: unknown key (expected one of: type, even, odd, cache)");
  }

  @Test
  void badDurationNamesTheFieldAndTheExpectedForm() {
    assertFails("""
        {
          "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
          "clusters": [
            {"name": "us_east1",
             "endpoints": ["http://127.0.0.1:18081"]},
            {"name": "us_central1", "endpoints": ["http://127.0.0.1:18082"],
             "connectTimeout": "5 sec"}
          ]
        }
        """,
        "config.json:7:24: clusters[1].connectTimeout: \"5 sec\" (expected: a duration like 250ms, 5s or 5m)");
  }

  @Test
  void wrongJsonTypeIsRejected() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": {"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}}
        """,
        "config.json:2:14: clusters: {...} (expected: a non-empty list of clusters)");
  }

  @Test
  void missingClustersPointsAtTheEnclosingObject() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"}}
        """,
        "config.json:1:1: clusters: missing (expected: a non-empty list of clusters)");
  }

  @Test
  void badEndpointUriKeepsTheClusterBuildersExpectation() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["ftp://127.0.0.1:18081"]}]}
        """,
        "config.json:2:50: clusters[0].endpoints[0]: \"ftp://127.0.0.1:18081\""
            + " (expected: http://host:port or https://host:port)");
  }

  @Test
  void duplicateClusterNameIsRejectedAtTheSecondName() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]},
                      {"name": "us_east1", "endpoints": ["http://127.0.0.1:18082"]}]}
        """,
        "config.json:3:24: clusters[1].name: \"us_east1\" (expected: a unique name; clusters[0] has it already)");
  }

  @Test
  void clusterNotFoundStatusOutsideTheAllowedSetIsRejected() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusterNotFoundStatus": 418,
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:27: clusterNotFoundStatus: 418 (expected: 503, 404 or 500)");
  }

  @Test
  void unknownServerEngineNamesBothEngines() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "server": {"engine": "netty"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:23: server.engine: \"netty\" (expected: \"http1\" (the strict engine, default)"
            + " or \"jdk\" (com.sun.net.httpserver))");
  }

  @Test
  void anOptionOfTheHttp1EngineIsRejectedWithTheJdkEngine() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "server": {"engine": "jdk", "maxRequestLineBytes": 4096},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:53: server.maxRequestLineBytes: applies to \"engine\": \"http1\" only"
            + " (expected: no maxRequestLineBytes with \"engine\": \"jdk\"; the jdk engine bounds a"
            + " whole request by maxRequestTime)");
    assertThat(failure("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "server": {"headerTimeout": "10s", "engine": "jdk"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """)).hasMessageStartingWith(
        "config.json:2:30: server.headerTimeout: applies to \"engine\": \"http1\" only");
  }

  @Test
  void anOptionOfTheJdkEngineIsRejectedWithTheHttp1Engine() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "server": {"maxRequestTime": "5m"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:31: server.maxRequestTime: applies to \"engine\": \"jdk\" only (expected: no"
            + " maxRequestTime with \"engine\": \"http1\"; http1 bounds the head by headerTimeout and"
            + " the body by bodyIdleTimeout)");
  }

  @Test
  void malformedJsonGivesJacksonsPositionAndThePathSoFar() {
    ConfigException e = failure("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"],}]}
        """);
    assertThat(e).hasMessage("config.json:2:76: clusters[0]: malformed JSON: Unexpected character"
        + " ('}' (code 125)): was expecting double-quote to start field name");
  }

  @Test
  void badListenAddressIsRejected() {
    assertFails("""
        {"listen": "127.0.0.1:80000",
         "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:1:12: listen: \"127.0.0.1:80000\" (expected: host:port or [IPv6]:port with port 0-65535)");
  }

  @Test
  // "constant" is the test provider registered in src/test/resources/META-INF/services
  void unknownResolverTypeSuggestsTheNearestType() {
    assertFails("""
        {"resolver": {"type": "fixd", "hosts": {"a.com": "us_east1"}},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:1:23: resolver.type: \"fixd\" (expected: one of fixed, first-character, constant;"
            + " did you mean \"fixed\"?)");
  }

  @Test
  void duplicateKeyNamesTheFirstOccurrence() {
    assertFails("""
        {"routingHeader": "region",
         "routingHeader": "x-region",
         "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:2: routingHeader: duplicate key (expected: each key once; first at line 1, column 2)");
  }

  @Test
  void contentAfterTheTopLevelObjectIsRejected() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        {}
        """,
        "config.json:3:1: content after the top-level object (expected: end of file)");
  }

  @Test
  void emptyFileIsRejected() {
    assertFails("  \n", "config.json:1:1: empty file (expected: a JSON object)");
  }

  @Test
  void bothDiscoveryAndResolverAreRejected() {
    assertFails("""
        {"discovery": {"url": "http://127.0.0.1:18090/?host={host}"},
         "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:2: resolver: unexpected (expected: exactly one of \"discovery\" or \"resolver\")");
  }

  @Test
  void topLevelCacheIsPointedToItsPlace() {
    assertFails("""
        {"cache": false,
         "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:1:2: cache: unknown key (expected: \"cache\" inside \"discovery\" or \"resolver\")");
  }

  @Test
  void fallbackRegionMustNameAClusterWithoutRoutes() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "fallbackRegion": "us_west1",
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:2:20: fallbackRegion: \"us_west1\" (expected: the name of a cluster: us_east1)");
  }

  @Test
  void routeToAnUnknownClusterIsRejected() {
    assertFails("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}],
         "routes": [{"domain": "*.example.com", "cluster": "us_west1"}]}
        """,
        "config.json:3:52: routes[0].cluster: \"us_west1\" (expected: the name of a cluster: us_east1)");
  }

  @Test
  void sniThatDiffersFromANamedEndpointKeepsTheBuildersMessage() {
    ConfigException e = failure("""
        {"resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"},
         "clusters": [{"name": "us_east1", "endpoints": ["https://a.example.com"], "sni": "b.example.com"}]}
        """);
    assertThat(e.getMessage()).startsWith("config.json:2:83: clusters[0].sni: \"b.example.com\" (cluster us_east1: sni");
  }

  @Test
  void missingFileNamesThePathAsGiven(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> RouterConfig.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": file not found (expected: a readable JSON config file)");
  }

  @Test
  void secretValuesAreRedactedInErrorMessages() {
    assertFails("""
        {"discovery": {"url": "http://127.0.0.1:18090/?host={host}", "headers": {"X-Api-Token": 12345}},
         "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]}]}
        """,
        "config.json:1:89: discovery.headers.X-Api-Token: <redacted> (expected: a header value)");
  }

  @Test
  void tooDeepNestingIsRejected() {
    String deep = "[".repeat(100) + "]".repeat(100);
    ConfigException e = failure("{\"resolver\": {\"type\": \"x\", \"o\": " + deep + "}}");
    assertThat(e.getMessage()).startsWith("config.json:1:").contains("malformed JSON").contains("nesting depth");
  }
}
