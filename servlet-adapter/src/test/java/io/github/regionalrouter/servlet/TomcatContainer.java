package io.github.regionalrouter.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;

/** Embedded Tomcat 11 (Servlet 6.1, running our Servlet 6.0 code). */
final class TomcatContainer implements ServletContainer {
  private final Tomcat tomcat;
  private final Path baseDir;
  private final URI uri;

  private TomcatContainer(Tomcat tomcat, Path baseDir, int port, String contextPath) {
    this.tomcat = tomcat;
    this.baseDir = baseDir;
    this.uri = URI.create("http://127.0.0.1:" + port + contextPath + "/");
  }

  /** Starts Tomcat; its acceptor and poller have threads of their own, outside the pool of {@code maxThreads}. */
  static ServletContainer start(int maxThreads, String contextPath, ServletContainerInitializer deployment)
      throws Exception {
    Path baseDir = Files.createTempDirectory("tomcat-test");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxThreads", Integer.toString(maxThreads));
    connector.setProperty("minSpareThreads", "1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext(contextPath, baseDir.toString());
    context.addServletContainerInitializer(deployment, null);
    try {
      tomcat.start();
      if (context.getState() != LifecycleState.STARTED) {
        throw new IllegalStateException("context failed to start: " + context.getState());
      }
    } catch (Exception e) {
      stop(tomcat, baseDir);
      throw e;
    }
    return new TomcatContainer(tomcat, baseDir, connector.getLocalPort(), contextPath);
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public void close() throws Exception {
    stop(tomcat, baseDir);
  }

  private static void stop(Tomcat tomcat, Path baseDir) throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      deleteTree(baseDir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  public String toString() {
    return ServerInfo.getServerInfo() + " at " + uri;
  }
}
