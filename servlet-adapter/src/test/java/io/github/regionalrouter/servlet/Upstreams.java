package io.github.regionalrouter.servlet;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/** Loopback upstream servers for the proxy servlet tests; {@link #close()} stops them all. */
final class Upstreams implements AutoCloseable {
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-upstream");
    t.setDaemon(true);
    return t;
  });

  /** An upstream answering {@code upstream=<name>}, the target and the routing header it received. */
  String echo(String name) throws IOException {
    return http(exchange -> {
      byte[] body = ("upstream=" + name + "\ntarget=" + exchange.getRequestURI() + "\nregion="
          + exchange.getRequestHeaders().get("region") + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
  }

  /** An upstream that keeps the headers of the last request in {@code seen} and answers 204. */
  String recording(AtomicReference<Headers> seen) throws IOException {
    return http(exchange -> {
      seen.set(exchange.getRequestHeaders());
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
  }

  /** A JDK {@code HttpServer} on loopback running {@code handler} on a thread per exchange. */
  String http(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", handler);
    server.setExecutor(threads);
    server.start();
    open.add(() -> server.stop(0));
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * A raw upstream: for each connection, reads the request head, writes {@code answer} (nothing
   * when it is {@code null}: the upstream hangs) and closes the connection unless it hangs.
   */
  String raw(byte[] answer) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(server);
    threads.execute(() -> {
      while (!server.isClosed()) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException e) {
          return;
        }
        open.add(s);
        threads.execute(() -> {
          try (s) {
            readHead(s.getInputStream());
            if (answer == null) {
              s.getInputStream().transferTo(OutputStream.nullOutputStream()); // until the proxy gives up
              return;
            }
            s.getOutputStream().write(answer);
            s.getOutputStream().flush();
          } catch (IOException e) {
            // the proxy went away: nothing to do
          }
        });
      }
    });
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private static void readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      head.write(c);
      byte[] b = head.toByteArray();
      int n = b.length;
      if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
        return;
      }
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort
      }
    }
    threads.shutdownNow();
  }
}
