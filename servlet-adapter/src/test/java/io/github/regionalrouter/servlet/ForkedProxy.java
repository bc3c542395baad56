package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import jakarta.servlet.ServletRegistration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A servlet container with {@link RegionalProxyServlet} at {@code /app/proxy/*}, in a JVM of its
 * own with a small heap, so that a test can stream bodies larger than that heap through it.
 *
 * <p>The child prints {@code PORT <n>} once it listens and stops when its standard input ends.
 */
final class ForkedProxy implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private ForkedProxy(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the child JVM with {@code -Xmx<heapMiB>m}, running {@code container} ({@code jetty} or
   * {@code tomcat}) with both clusters' endpoint at {@code upstream}; its output goes to {@code log}.
   */
  static ForkedProxy start(String container, String upstream, int heapMiB, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapMiB + "m", "-XX:+UseSerialGC",
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        ForkedProxy.class.getName(), container, upstream));
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    InputStream out = p.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c; (c = out.read()) >= 0 && c != '\n'; ) {
      line.append((char) c);
    }
    if (!line.toString().startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("the proxy JVM did not start (said \"" + line + "\"); see " + log);
    }
    return new ForkedProxy(p, Integer.parseInt(line.substring(5).trim()), log);
  }

  /** The port the child's container listens on. */
  int port() {
    return port;
  }

  /** Whether the child still runs (it exits at once on OutOfMemoryError). */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits at most {@code timeout} for the child to exit; whether it did. */
  boolean waitForExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Where the child's log goes. */
  Path log() {
    return log;
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The child: {@code <jetty|tomcat> <upstream uri>}. */
  public static void main(String[] args) throws Exception {
    ServletContainer.Starter starter = args[0].equals("jetty") ? JettyContainer::start : TomcatContainer::start;
    RegionalRouter router = RegionalRouter.builder()
        .resolver(TestResolvers.HOSTS)
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint(args[1]).requestTimeout(Duration.ofSeconds(80)))
        .cluster(Cluster.named("us_central1").endpoint(args[1]).requestTimeout(Duration.ofSeconds(80)))
        .build();
    ServletContainer container = starter.start(8, "/app", (classes, ctx) -> {
      ServletRegistration.Dynamic s = ctx.addServlet("proxy", new RegionalProxyServlet(router));
      s.setAsyncSupported(true);
      s.addMapping("/proxy/*");
    });
    System.out.println("PORT " + container.port());
    System.out.flush();
    System.in.transferTo(java.io.OutputStream.nullOutputStream()); // until the test closes our stdin
    container.close();
    router.close();
    System.exit(0);
  }
}
