package io.github.regionalrouter.jdkserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.config.RouterConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code --demo}: a discovery service that answers like the original mock (a host whose first
 * character has an even code is in {@code us_east1}, odd in {@code us_central1}), one upstream per
 * region, and the proxy in front, all on loopback.
 */
final class Demo {
  private Demo() {}

  /** The running demo; {@link #close()} stops everything. */
  static final class Running implements AutoCloseable {
    final RegionalProxyServer proxy;
    private final HttpServer[] others;

    Running(RegionalProxyServer proxy, HttpServer... others) {
      this.proxy = proxy;
      this.others = others;
    }

    @Override
    public void close() {
      proxy.close();
      proxy.router().close();
      for (HttpServer s : others) {
        s.stop(0);
        ((java.util.concurrent.ExecutorService) s.getExecutor()).shutdown();
      }
    }
  }

  static Running start(PrintStream out) throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    HttpServer discovery = server(lo, 0, ex -> {
      String q = ex.getRequestURI().getRawQuery();
      String host = q != null && q.startsWith("host=") ? URLDecoder.decode(q.substring(5), StandardCharsets.UTF_8) : "";
      String region = !host.isEmpty() && (host.charAt(0) & 1) == 0 ? "us_east1" : "us_central1";
      reply(ex, 200, "application/json", "{\"region\":\"" + region + "\"}");
    });
    HttpServer east = server(lo, 0, ex -> reply(ex, 200, "text/plain",
        "hello from us_east1 (region header: " + ex.getRequestHeaders().getFirst("region") + ")\n"));
    HttpServer central = server(lo, 0, ex -> reply(ex, 200, "text/plain",
        "hello from us_central1 (region header: " + ex.getRequestHeaders().getFirst("region") + ")\n"));
    int proxyPort = free(lo, 8000);
    int adminPort = free(lo, 9901);
    String json = "{\n"
        + "  \"listen\": \"127.0.0.1:" + proxyPort + "\",\n"
        + "  \"admin\": \"127.0.0.1:" + adminPort + "\",\n"
        + "  \"discovery\": {\"url\": \"http://127.0.0.1:" + discovery.getAddress().getPort()
        + "/anything?host={host}\", \"regionPointer\": \"/region\", \"timeout\": \"5s\"},\n"
        // generous: a cold JVM's first discovery call (class loading, the client's first
        // connection) took over 1 s on a busy machine and the demo answered 503
        + "  \"resolveTimeout\": \"5s\",\n"
        + "  \"clusters\": [\n"
        + "    {\"name\": \"us_east1\", \"endpoints\": [\"http://127.0.0.1:" + east.getAddress().getPort() + "\"]},\n"
        + "    {\"name\": \"us_central1\", \"endpoints\": [\"http://127.0.0.1:" + central.getAddress().getPort() + "\"]}\n"
        + "  ],\n"
        + "  \"responseHeaders\": {\"Processed-By\": \"Regional Router\"},\n"
        + "  \"server\": {\"engine\": \"http1\"}\n"
        + "}\n";
    RegionalProxyServer proxy = Main.startProxy(RouterConfig.parse(json, "demo config"));
    Running running = new Running(proxy, discovery, east, central);
    out.println("regional-router demo: proxy on 127.0.0.1:" + proxyPort + " (engine " + proxy.engine()
        + "), admin on 127.0.0.1:" + adminPort);
    out.println("Try (\"b\" is even: us_east1; \"a\" is odd: us_central1):");
    out.println("  curl -i -H 'Host: b.example.com' http://127.0.0.1:" + proxyPort + "/");
    out.println("  curl -i -H 'Host: a.example.com' http://127.0.0.1:" + proxyPort + "/");
    out.println("  curl http://127.0.0.1:" + adminPort + "/stats");
    out.println("Stop with Ctrl-C.");
    out.flush();
    return running;
  }

  private static HttpServer server(InetAddress lo, int port, com.sun.net.httpserver.HttpHandler h) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(lo, port), 64);
    s.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "demo-upstream");
      t.setDaemon(true);
      return t;
    }));
    s.createContext("/", h);
    s.start();
    return s;
  }

  /** {@code preferred} if it is free, else any free port. */
  private static int free(InetAddress lo, int preferred) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(preferred, 1, lo)) {
      return preferred;
    } catch (IOException e) {
      try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, lo)) {
        return s.getLocalPort();
      } catch (IOException e2) {
        return 0;
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }
}
