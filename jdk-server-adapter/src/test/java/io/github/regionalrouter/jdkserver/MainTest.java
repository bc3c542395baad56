package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MainTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) throws Exception {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void help_prints_the_usage_and_exits_0() throws Exception {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("--config FILE").contains("--check-config FILE").contains("--demo");
  }

  @Test
  void version_prints_the_project_version_and_exits_0() throws Exception {
    assertThat(run("--version")).isZero();
    assertThat(out()).isEqualTo("regional-router " + System.getProperty("project.version") + System.lineSeparator());
  }

  @Test
  void an_unknown_option_prints_the_usage_and_exits_2() throws Exception {
    assertThat(run("--nope")).isEqualTo(2);
    assertThat(err()).contains("Usage:");
  }

  @Test
  void check_config_accepts_a_valid_file(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("ok.json");
    Files.writeString(f, "{\"resolver\": {\"type\": \"first-character\", \"even\": \"us_east1\", \"odd\": \"us_east1\"},\n"
        + " \"clusters\": [{\"name\": \"us_east1\", \"endpoints\": [\"http://127.0.0.1:9\"]}]}\n");

    assertThat(run("--check-config", f.toString())).isZero();
    assertThat(out()).contains("OK");
  }

  @Test
  void check_config_names_file_line_column_and_field_of_an_error(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"resolver\": {\"type\": \"first-character\", \"even\": \"us_east1\", \"odd\": \"us_east1\"},\n"
        + " \"clusters\": [{\"name\": \"us_east1\", \"endpoints\": [\"http://127.0.0.1:9\"],\n"
        + "   \"connectTimeout\": \"5 sec\"}]}\n");

    assertThat(run("--check-config", f.toString())).isEqualTo(1);
    assertThat(err()).startsWith(f + ":3:").contains("clusters[0].connectTimeout").contains("5 sec");
  }

  @Test
  void check_config_reports_a_missing_file() throws Exception {
    assertThat(run("--check-config", "/nonexistent/router.json")).isEqualTo(1);
    assertThat(err()).contains("/nonexistent/router.json").contains("not found");
  }

  @Test
  void a_config_runs_on_the_http1_engine_by_default_with_its_server_limits() throws Exception {
    try (StandaloneProxy p = new StandaloneProxy("\"maxHeaders\": 5, \"maxHeaderBytes\": 2048")) {
      assertThat(p.proxy.engine()).isEqualTo(RegionalProxyServer.Engine.HTTP1);

      RawHttp.Response five = RawHttp.send(p.port(), "GET / HTTP/1.1", "Host: a.example", "A: 1", "B: 1", "C: 1", "D: 1");
      RawHttp.Response six = RawHttp.send(p.port(), "GET / HTTP/1.1", "Host: a.example", "A: 1", "B: 1", "C: 1", "D: 1",
          "E: 1");
      RawHttp.Response big = RawHttp.send(p.port(), "GET / HTTP/1.1", "Host: a.example", "A: " + "a".repeat(2100));

      assertThat(five.status).isEqualTo(200);
      assertThat(six.status).isEqualTo(431);
      assertThat(big.status).isEqualTo(431);
    }
  }

  @Test
  void server_engine_jdk_in_the_config_runs_on_the_jdk_server() throws Exception {
    try (StandaloneProxy p = new StandaloneProxy("\"engine\": \"jdk\"")) {
      assertThat(p.proxy.engine()).isEqualTo(RegionalProxyServer.Engine.JDK_HTTPSERVER);
      assertThat(RawHttp.send(p.port(), "GET / HTTP/1.1", "Host: a.example").status).isEqualTo(200);
    }
  }

  @Test
  void demo_routes_both_curl_commands_to_their_regions() throws Exception {
    try (Demo.Running demo = Demo.start(new PrintStream(out, true, StandardCharsets.UTF_8))) {
      Matcher m = Pattern.compile("proxy on 127\\.0\\.0\\.1:(\\d+)").matcher(out());
      assertThat(m.find()).isTrue();
      int port = Integer.parseInt(m.group(1));
      assertThat(out()).contains("curl -i -H 'Host: b.example.com' http://127.0.0.1:" + port + "/");

      RawHttp.Response east = RawHttp.send(port, "GET / HTTP/1.1", "Host: b.example.com");
      RawHttp.Response central = RawHttp.send(port, "GET / HTTP/1.1", "Host: a.example.com");

      assertThat(east.status).as(east.text()).isEqualTo(200);
      assertThat(east.text()).contains("hello from us_east1").contains("region header: us_east1");
      assertThat(east.header("Processed-By")).isEqualTo("Regional Router");
      assertThat(central.text()).contains("hello from us_central1").contains("region header: us_central1");
    }
  }
}
