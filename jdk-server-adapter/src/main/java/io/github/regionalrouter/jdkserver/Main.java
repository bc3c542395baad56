package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.config.ConfigException;
import io.github.regionalrouter.config.RouterConfig;
import io.github.regionalrouter.config.ServerLimits;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone proxy: {@code java -jar regional-router-proxy.jar --config FILE}. See
 * {@link #USAGE}.
 */
public final class Main {
  static final String USAGE = String.join("\n",
      "Usage: java -jar regional-router-proxy.jar OPTION",
      "",
      "  --config FILE        run the proxy from the JSON config FILE",
      "  --check-config FILE  check FILE; exit 0 if valid, else print the error (file:line:col, field) and exit 1",
      "  --demo               start on loopback a discovery service, two upstream clusters and the proxy,",
      "                       and print curl commands that show both regions being routed",
      "  --version            print the version",
      "  --help               print this help",
      "",
      "Logging: slf4j-simple; e.g. -Dorg.slf4j.simpleLogger.log.io.github.regionalrouter.access=off",
      "");

  private Main() {}

  /**
   * Runs the program; exits with 0, or 1 on a config error, 2 on a usage error.
   *
   * @param args the command line: one of the options listed by {@code --help}
   * @throws Exception if the proxy or the demo fails to start, or waiting for shutdown is
   *     interrupted
   */
  public static void main(String[] args) throws Exception {
    prepareJvm();
    int code = run(args, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
  }

  /**
   * Sets, before anything loads them, the JVM-wide settings the proxy relies on (each only if not
   * given on the command line): the common pool's parallelism (java.net.http hands every
   * {@code sendAsync} completion to {@code CompletableFuture}'s default executor, which on JDK 17
   * with common-pool parallelism below 2 starts a new thread per request; see
   * {@link RegionalProxyServer}), {@code Host} allowed in java.net.http requests (for
   * {@code preserveHost}), and {@code TCP_NODELAY} on the server's connections.
   */
  static void prepareJvm() {
    setIfAbsent("java.util.concurrent.ForkJoinPool.common.parallelism",
        Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders");
    if (allowed == null || allowed.isBlank()) {
      System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    } else if (!(("," + allowed.replace(" ", "") + ",").toLowerCase(java.util.Locale.ROOT).contains(",host,"))) {
      System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed + ",host");
    }
    setIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Runs the command; returns the exit code, or -1 when the proxy is running (until the JVM is
   * stopped).
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(USAGE);
      return 0;
    }
    if (args.length == 1 && args[0].equals("--version")) {
      out.println("regional-router " + Version.get());
      return 0;
    }
    if (args.length == 1 && args[0].equals("--demo")) {
      Demo.Running demo = Demo.start(out);
      Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "regional-router-demo-shutdown"));
      return -1;
    }
    if (args.length == 2 && args[0].equals("--check-config")) {
      return checkConfig(Path.of(args[1]), out, err);
    }
    if (args.length == 2 && args[0].equals("--config")) {
      RouterConfig config;
      try {
        config = RouterConfig.load(Path.of(args[1]));
      } catch (ConfigException e) {
        err.println(e.getMessage());
        return 1;
      }
      runProxy(config);
      return -1;
    }
    err.print(USAGE);
    return 2;
  }

  static int checkConfig(Path file, PrintStream out, PrintStream err) {
    try {
      RouterConfig config = RouterConfig.load(file);
      config.buildRouter().close(); // the resolver and the cache check their settings too
      out.println(file + ": OK");
      return 0;
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  /** Starts the proxy the config describes; stops it (draining) when the JVM is asked to stop. */
  static RegionalProxyServer startProxy(RouterConfig config) {
    RegionalRouter router = config.buildRouter();
    ServerLimits limits = config.server();
    RegionalProxyServer.Builder b = RegionalProxyServer.builder()
        .bind(config.listen().orElse(new InetSocketAddress(8000)))
        .router(router)
        .forwarderOptions(f -> f.preserveHost(config.preserveHost())
            .allowUnderscoresInHeaders(config.allowUnderscoresInHeaders())
            .maxRequestBodyBytes(limits.maxRequestBodyBytes()))
        .engine(engine(limits))
        .maxRequestHeaders(limits.maxHeaders())
        .maxRequestHeaderBytes(limits.maxHeaderBytes())
        .drainTimeout(limits.drainTimeout())
        .bodyIdleTimeout(limits.bodyIdleTimeout())
        .config(config::toRedactedMap);
    // the JDK server has one time limit for the whole request; the http1 engine bounds the
    // head by headerTimeout and the body by bodyIdleTimeout (the config reader allows each
    // engine's options only with that engine)
    if (engine(limits) == RegionalProxyServer.Engine.HTTP1) {
      b.maxRequestLineBytes(limits.maxRequestLineBytes()).headerTimeout(limits.headerTimeout());
      if (limits.eventLoops() > 0) {
        b.eventLoops(limits.eventLoops());
      }
    } else {
      limits.maxRequestTime().ifPresent(b::requestTimeLimit);
    }
    config.admin().ifPresent(b::admin);
    try {
      return b.start();
    } catch (RuntimeException e) {
      router.close();
      throw e;
    }
  }

  /** {@code server.engine}: "http1" (default) or "jdk"; the config parser allows no other value. */
  static RegionalProxyServer.Engine engine(ServerLimits limits) {
    return limits.engine().equals("jdk") ? RegionalProxyServer.Engine.JDK_HTTPSERVER : RegionalProxyServer.Engine.HTTP1;
  }

  private static void runProxy(RouterConfig config) throws InterruptedException {
    RegionalProxyServer server = startProxy(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      server.router().close();
      stopped.countDown();
    }, "regional-router-shutdown"));
    stopped.await();
  }
}
