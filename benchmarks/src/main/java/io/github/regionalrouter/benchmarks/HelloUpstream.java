package io.github.regionalrouter.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The upstream of the load benchmark: a JDK HttpServer (with {@code nodelay}) that answers every
 * request {@code 200} with a 13-byte body naming itself. Arguments: {@code PORT NAME}.
 */
public final class HelloUpstream {
  private HelloUpstream() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int port = Integer.parseInt(args[0]);
    byte[] body = ("hello from " + args[1] + "\n").getBytes(StandardCharsets.US_ASCII);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("upstream " + args[1] + " listening on " + port);
  }
}
