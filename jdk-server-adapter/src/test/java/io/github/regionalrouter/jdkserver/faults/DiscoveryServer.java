package io.github.regionalrouter.jdkserver.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A discovery service on loopback, {@code GET /discover?host=H}, whose answer the test sets
 * ({@link #answer}); it counts calls per host, and can be stopped (the port then refuses) and
 * started again on the same port.
 */
final class DiscoveryServer implements AutoCloseable {
  /** How the service answers one call. */
  @FunctionalInterface
  interface Behaviour {
    void handle(HttpExchange exchange, String host) throws IOException;
  }

  /** Answers {@code {"region": REGION}}. */
  static Behaviour region(String region) {
    return (ex, host) -> FaultRig.answer(ex, 200, "{\"region\":\"" + region + "\"}");
  }

  /** Answers {@code status} with {@code body}. */
  static Behaviour status(int status, String body) {
    return (ex, host) -> FaultRig.answer(ex, status, body);
  }

  /** Answers 200 with {@code bytes} bytes of a JSON string that never ends within the cap. */
  static Behaviour huge(int bytes) {
    return (ex, host) -> {
      try (ex) {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes);
        OutputStream out = ex.getResponseBody();
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        chunk[0] = '"';
        for (int left = bytes; left > 0; left -= chunk.length) {
          out.write(chunk, 0, Math.min(chunk.length, left));
          chunk[0] = 'a';
        }
      } catch (IOException e) {
        // the resolver stopped reading at its cap
      }
    };
  }

  private final int port;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private volatile Behaviour behaviour = region("us_east1");
  private HttpServer server;
  private ExecutorService pool;

  DiscoveryServer() throws IOException {
    this.port = startOn(0);
  }

  private int startOn(int p) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 1024);
    pool = Executors.newCachedThreadPool();
    server.setExecutor(pool);
    server.createContext("/discover", this::handle);
    server.start();
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    String q = ex.getRequestURI().getRawQuery();
    String host = q != null && q.startsWith("host=") ? URLDecoder.decode(q.substring(5), StandardCharsets.UTF_8) : "";
    calls.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
    total.incrementAndGet();
    behaviour.handle(ex, host);
  }

  /** The URI template for the resolver. */
  String template() {
    return "http://127.0.0.1:" + port + "/discover?host={host}";
  }

  void answer(Behaviour b) {
    this.behaviour = b;
  }

  int calls(String host) {
    AtomicInteger n = calls.get(host);
    return n == null ? 0 : n.get();
  }

  int totalCalls() {
    return total.get();
  }

  /** Stops listening: connections to the port are refused until {@link #restart()}. */
  void stop() {
    server.stop(0);
    pool.shutdownNow();
  }

  /** Listens again on the same port. */
  void restart() throws IOException {
    startOn(port);
  }

  @Override
  public void close() {
    stop();
  }
}
