package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.RegionalRouter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example webapp ({@code examples/servlet-webapp}: its {@code web.xml}, {@code router.json}
 * and {@code HelloServlet}, with the library's classes in {@code WEB-INF/classes} so that the
 * webapp's own class loader loads them) deployed in embedded Tomcat and reloaded, as a container
 * redeploys: what the library started must end with the old webapp, and the old class loader must
 * be collectable.
 */
@Timeout(120)
class TomcatRedeployTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "servlet-webapp");
  private final List<HttpServer> servers = new ArrayList<>();
  private Tomcat tomcat;
  private Path baseDir;

  @AfterEach
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    servers.forEach(s -> s.stop(0));
    if (baseDir != null) {
      try (Stream<Path> paths = Files.walk(baseDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void reloadingTheWebappThreeTimesLeavesNoLibraryThreadAndLetsEveryOldClassLoaderGo() throws Exception {
    // The JDK's JVM-wide delay thread keeps the context class loader of whoever starts it first:
    // start it here so that a webapp's request does not (a JDK trait, not ours).
    new CompletableFuture<Void>().orTimeout(1, TimeUnit.MILLISECONDS);
    HttpServer discovery = server(exchange -> answer(exchange, "{\"region\":\"us_east1\"}"));
    HttpServer upstream = server(exchange -> answer(exchange, "upstream saw " + exchange.getRequestURI()));
    baseDir = Files.createTempDirectory("tomcat-redeploy");
    Path webapp = buildWebapp(baseDir.resolve("webapp"), baseDir.resolve("router.json"),
        discovery.getAddress().getPort(), upstream.getAddress().getPort());

    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    StandardContext context = new StandardContext();
    context.setName("/app");
    context.setPath("/app");
    context.setDocBase(webapp.toString());
    context.setParentClassLoader(TomcatRedeployTest.class.getClassLoader());
    StandardJarScanner scanner = new StandardJarScanner();
    scanner.setScanClassPath(false);
    context.setJarScanner(scanner);
    ContextConfig config = new ContextConfig();
    config.setDefaultWebXml(Constants.NoDefaultWebXml);
    context.addLifecycleListener(config);
    tomcat.getHost().addChild(context);
    tomcat.start();
    assertThat(context.getState()).isEqualTo(LifecycleState.STARTED);
    URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app/");

    List<WeakReference<ClassLoader>> oldLoaders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ClassLoader loader = context.getLoader().getClassLoader();
      assertThat(loader.loadClass(RegionalRouter.class.getName()).getClassLoader())
          .as("the library is the webapp's own").isSameAs(loader);
      sendRequests(base, i);
      oldLoaders.add(new WeakReference<>(loader));
      loader = null;
      context.reload();
      assertThat(context.getState()).isEqualTo(LifecycleState.STARTED);
    }
    sendRequests(base, 3);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && oldLoaders.stream().anyMatch(r -> r.get() != null)) {
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll, not a wait for the answer
    }
    assertThat(oldLoaders).as("old webapp class loaders collected")
        .allSatisfy(r -> assertThat(r.get()).isNull());
    // The live webapp's threads are its own; the old ones' must be gone. After the last stop, none.
    context.stop();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && !libraryThreads().isEmpty()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertThat(libraryThreads()).as("regional-router threads after the webapp stopped").isEmpty();
  }

  private static void sendRequests(URI base, int round) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> proxied = client.send(HttpRequest.newBuilder(base.resolve("proxy/round/" + round)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(proxied.statusCode()).as(proxied.body()).isEqualTo(200);
    assertThat(proxied.body()).isEqualTo("upstream saw /round/" + round);
    HttpResponse<String> hello = client.send(HttpRequest.newBuilder(base.resolve("hello")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
    assertThat(hello.body()).contains("region header: us_east1");
  }

  private static List<String> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("regional-router"))
        .sorted()
        .collect(Collectors.toList());
  }

  /** The example's web.xml and HelloServlet, compiled here, and the library's classes. */
  private static Path buildWebapp(Path webapp, Path routerJson, int discoveryPort, int upstreamPort)
      throws Exception {
    Path classes = webapp.resolve("WEB-INF").resolve("classes");
    Files.createDirectories(classes);
    String json = Files.readString(EXAMPLE.resolve("router.json"))
        .replace("127.0.0.1:18090", "127.0.0.1:" + discoveryPort)
        .replace("127.0.0.1:18081", "127.0.0.1:" + upstreamPort)
        .replace("127.0.0.1:18082", "127.0.0.1:" + upstreamPort);
    Files.writeString(routerJson, json);
    String webXml = Files.readString(EXAMPLE.resolve("src/main/webapp/WEB-INF/web.xml"))
        .replace("/etc/regional-router/router.json", routerJson.toAbsolutePath().toString());
    assertThat(webXml).contains(routerJson.toAbsolutePath().toString());
    Files.writeString(webapp.resolve("WEB-INF").resolve("web.xml"), webXml);

    Path core = location(RegionalRouter.class);
    Path adapter = location(RegionRoutingFilter.class);
    copyTree(core, classes);
    copyTree(adapter, classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classPath = String.join(java.io.File.pathSeparator,
        core.toString(), adapter.toString(), location(HttpServlet.class).toString());
    int rc = javac.run(null, null, null, "--release", "17", "-proc:none", "-cp", classPath,
        "-d", classes.toString(),
        EXAMPLE.resolve("src/main/java/io/github/regionalrouter/example/HelloServlet.java").toString());
    assertThat(rc).as("javac HelloServlet").isZero();
    return webapp;
  }

  private static Path location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * Copies a classes directory, or the contents of a jar (what the reactor gives in verify), but
   * not its {@code module-info.class}.
   */
  private static void copyTree(Path from, Path to) throws IOException {
    if (Files.isRegularFile(from)) {
      try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(from, (ClassLoader) null)) {
        copyTree(jar.getPath("/"), to);
      }
      return;
    }
    assertThat(from).as("library classes in a directory or a jar").isDirectory();
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("module-info.class")) {
          // WEB-INF/classes is a class path: the jars' module descriptors do not belong there (and
          // javac would take the output directory for that module when compiling HelloServlet)
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private HttpServer server(Handler handler) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", handler::handle);
    s.start();
    servers.add(s);
    return s;
  }

  private static void answer(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
