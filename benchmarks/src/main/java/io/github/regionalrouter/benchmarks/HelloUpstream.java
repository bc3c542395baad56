package io.github.regionalrouter.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.jdkserver.http1.Http1Exchange;
import io.github.regionalrouter.jdkserver.http1.Http1Server;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The upstream of the load benchmark: a JDK HttpServer (with {@code nodelay}) that answers every
 * request {@code 200} with a 13-byte body naming itself. Arguments: {@code PORT NAME}.
 *
 * <p>For the soak run: a {@code POST} is answered with its own body (echo), and
 * {@code GET /__upstream/slow?ms=N} makes every later answer wait {@code N} ms ({@code ms=0} ends
 * it), so a fault script can make this upstream slow for a while.
 */
public final class HelloUpstream {
  private static volatile long delayMillis;

  private static final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

  private HelloUpstream() {}

  private static void respond(HttpExchange exchange, byte[] answer) {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    } catch (IOException e) {
      // the proxy gave up (its request timeout) and closed the connection
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int port = Integer.parseInt(args[0]);
    byte[] body = ("hello from " + args[1] + "\n").getBytes(StandardCharsets.US_ASCII);
    if ("http1".equals(System.getProperty("upstream.engine", "jdk"))) {
      serveHttp1(port, args[1], body);
      return;
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.createContext(
        "/",
        exchange -> {
          byte[] in = exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().getPath();
          if (path.equals("/__upstream/slow")) {
            String q = exchange.getRequestURI().getQuery();
            delayMillis = q != null && q.startsWith("ms=") ? Long.parseLong(q.substring(3)) : 0;
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
          }
          byte[] answer = exchange.getRequestMethod().equals("POST") ? in : body;
          long delay = delayMillis;
          if (delay > 0) {
            // the injected slowness: answer later from the timer, without holding a server thread
            timer.schedule(() -> respond(exchange, answer), delay, TimeUnit.MILLISECONDS);
            return;
          }
          respond(exchange, answer);
        });
    server.setExecutor(Executors.newFixedThreadPool(Integer.getInteger("upstream.threads", 4)));
    server.start();
    System.out.println("upstream " + args[1] + " listening on " + port);
  }

  /**
   * The same upstream on this project's strict HTTP/1.1 server, its connections on one event-loop
   * thread and a request without a body answered there: a lean upstream, so that what a proxy in
   * front of it adds is what the run measures.
   */
  private static void serveHttp1(int port, String name, byte[] body) throws Exception {
    List<Map.Entry<String, String>> textPlain = List.of(Map.entry("Content-Type", "text/plain"));
    Http1Server server = Http1Server.builder()
        .address(InetAddress.getByName("127.0.0.1"))
        .port(port)
        .backlog(1024)
        .eventLoop(true)
        .nonBlockingHandler(true)
        .handler(ex -> {
          if (ex.target().startsWith("/__upstream/slow")) {
            int q = ex.target().indexOf("ms=");
            delayMillis = q < 0 ? 0 : Long.parseLong(ex.target().substring(q + 3));
            ex.sendHead(204, textPlain, 0);
            ex.complete();
            return;
          }
          // a request with a body is called on a thread of its own: reading it may block
          byte[] answer = ex.hasBody() ? ex.requestBody().readAllBytes() : body;
          long delay = delayMillis;
          if (delay > 0) {
            timer.schedule(() -> respondHttp1(ex, textPlain, answer), delay, TimeUnit.MILLISECONDS);
            return;
          }
          respondHttp1(ex, textPlain, answer);
        })
        .build()
        .start();
    System.out.println("upstream " + name + " (http1 event loop) listening on " + server.address().getPort());
    Thread.currentThread().join();
  }

  private static void respondHttp1(Http1Exchange ex, List<Map.Entry<String, String>> headers, byte[] answer) {
    try {
      ex.sendHead(200, headers, answer.length);
      ex.write(answer, 0, answer.length);
      ex.complete();
    } catch (IOException e) {
      // the proxy gave up and closed the connection
    }
  }
}
