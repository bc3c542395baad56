package io.github.regionalrouter.jdkserver.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.config.RouterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The files in examples/ stay valid: the config checks, the Java example compiles and routes. */
@Timeout(60)
class EmbeddedExampleTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private final List<HttpServer> upstreams = new ArrayList<>();
  private AutoCloseable proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    upstreams.forEach(s -> s.stop(0));
  }

  @Test
  void theEnvoyEquivalentConfigIsValidAndMirrorsTheOriginal() {
    RouterConfig config = RouterConfig.load(EXAMPLES.resolve("envoy-equivalent.json"));
    assertThat(config.routingHeader()).isEqualTo("region");
    assertThat(config.clusters()).extracting(c -> c.name()).containsExactly("us_east1", "us_central1");
    assertThat(config.responseHeaders()).containsEntry("Processed-By", "Regional Router");
    assertThat(config.discovery()).isPresent();
  }

  @Test
  void theEmbeddedExampleCompilesAndRoutesBothRegions(@TempDir Path out) throws Exception {
    Path source = EXAMPLES.resolve("embedded/EmbeddedProxy.java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, System.err, "-d", out.toString(), "-cp", classpath, source.toString());
    assertThat(rc).as("javac exit code").isZero();

    String east = upstream("us_east1");
    String central = upstream("us_central1");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> example = loader.loadClass("EmbeddedProxy");
      Method start = example.getMethod("start", int.class, String.class, String.class);
      proxy = (AutoCloseable) start.invoke(null, 0, east, central);
      int port = ((InetSocketAddress) proxy.getClass().getMethod("address").invoke(proxy)).getPort();

      String even = get(port, "b.example"); // 'b' = 98: even
      assertThat(even).startsWith("HTTP/1.1 200").contains("hello from us_east1, region us_east1");
      assertThat(even.toLowerCase()).contains("processed-by: regional router");
      String odd = get(port, "a.example"); // 'a' = 97: odd
      assertThat(odd).startsWith("HTTP/1.1 200").contains("hello from us_central1, region us_central1");
    }
    assertThat(Files.exists(out.resolve("EmbeddedProxy.class"))).isTrue();
  }

  private String upstream(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("hello from " + name + ", region " + exchange.getRequestHeaders().getFirst("region"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
    upstreams.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static String get(int port, String host) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
