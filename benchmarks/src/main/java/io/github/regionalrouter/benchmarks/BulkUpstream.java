package io.github.regionalrouter.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An upstream for the large-body check: {@code GET /bytes/N} streams N bytes (never held whole),
 * {@code POST} reads and counts the body and answers the count. Argument: {@code PORT}.
 */
public final class BulkUpstream {
  private BulkUpstream() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] chunk = new byte[64 * 1024];
            if (exchange.getRequestMethod().equals("POST")) {
              long n = 0;
              try (InputStream in = exchange.getRequestBody()) {
                for (int r; (r = in.read(chunk)) > 0; ) {
                  n += r;
                }
              }
              byte[] body = (n + "\n").getBytes(StandardCharsets.US_ASCII);
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
              return;
            }
            String path = exchange.getRequestURI().getPath();
            long size = path.startsWith("/bytes/") ? Long.parseLong(path.substring(7)) : 0;
            exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = exchange.getResponseBody()) {
              for (long left = size; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
              }
            }
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("bulk upstream listening on " + server.getAddress().getPort());
  }
}
