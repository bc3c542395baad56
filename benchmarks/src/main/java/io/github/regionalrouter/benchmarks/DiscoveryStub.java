package io.github.regionalrouter.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A discovery service for benchmarks and the soak run: {@code GET /discover?host=H} answers
 * {@code {"region": "us_east1"}} for hosts whose first character has an even code and
 * {@code us_central1} otherwise (the original demo's mock). Argument: {@code PORT}.
 */
public final class DiscoveryStub {
  private DiscoveryStub() {}

  /** Starts the stub on {@code port} (0 for any) and returns the server. */
  public static HttpServer start(int port) throws java.io.IOException {
    AtomicLong calls = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.createContext(
        "/discover",
        exchange -> {
          try (exchange) {
            calls.incrementAndGet();
            String query = exchange.getRequestURI().getRawQuery();
            String host = "";
            if (query != null && query.startsWith("host=")) {
              host = URLDecoder.decode(query.substring(5), StandardCharsets.UTF_8);
            }
            String region = !host.isEmpty() && host.charAt(0) % 2 == 0 ? "us_east1" : "us_central1";
            byte[] body = ("{\"region\":\"" + region + "\"}").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.createContext(
        "/calls",
        exchange -> {
          try (exchange) {
            byte[] body = Long.toString(calls.get()).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = start(Integer.parseInt(args[0]));
    System.out.println("discovery listening on " + server.getAddress().getPort());
  }
}
