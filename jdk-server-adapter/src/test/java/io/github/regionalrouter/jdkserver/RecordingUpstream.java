package io.github.regionalrouter.jdkserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket loopback upstream that records each request exactly as it arrived: request line,
 * header lines (names as sent), and the body or why reading it failed. Answers {@code 200 ok};
 * a target starting with {@code /slow} is answered after 200 ms of simulated work.
 */
final class RecordingUpstream implements AutoCloseable {
  /** One request as received; {@code bodyError} is non-null when the body did not arrive whole. */
  record Received(String requestLine, List<String[]> headers, String body, String bodyError) {
    List<String> values(String name) {
      List<String> out = new ArrayList<>();
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          out.add(h[1]);
        }
      }
      return out;
    }

    String target() {
      return requestLine.split(" ")[1];
    }
  }

  final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  /** Request heads read (a request whose body is still arriving counts). */
  final AtomicInteger heads = new AtomicInteger();
  /** Connections accepted. */
  final AtomicInteger connections = new AtomicInteger();
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  RecordingUpstream() throws IOException {
    server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  String uri() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        pool.execute(() -> serve(s));
      } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null) {
          return;
        }
        heads.incrementAndGet();
        List<String[]> headers = new ArrayList<>();
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
          int c = l.indexOf(':');
          headers.add(new String[] {l.substring(0, c), l.substring(c + 1).trim()});
        }
        Received head = new Received(requestLine, headers, null, null);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String error = null;
        try {
          readBody(in, head, body);
        } catch (IOException e) {
          error = String.valueOf(e);
        }
        received.add(new Received(requestLine, headers, body.toString(StandardCharsets.ISO_8859_1), error));
        if (error != null) {
          return;
        }
        if (head.target().startsWith("/slow")) {
          simulateWork();
        }
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Upstream: yes\r\n\r\nok"
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the proxy closed the connection
    } finally {
      open.remove(s);
    }
  }

  private static void simulateWork() {
    try {
      TimeUnit.MILLISECONDS.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void readBody(InputStream in, Received head, ByteArrayOutputStream body) throws IOException {
    List<String> te = head.values("Transfer-Encoding");
    List<String> cl = head.values("Content-Length");
    if (!te.isEmpty() && te.get(0).toLowerCase(Locale.ROOT).equals("chunked")) {
      while (true) {
        String size = line(in);
        if (size == null) {
          throw new IOException("end of stream in a chunked body");
        }
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
            // trailers
          }
          return;
        }
        copy(in, body, n);
        if (!"".equals(line(in))) {
          throw new IOException("no CRLF after a chunk");
        }
      }
    } else if (!cl.isEmpty()) {
      copy(in, body, Long.parseLong(cl.get(0)));
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream body, long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int k = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (k < 0) {
        throw new IOException("end of stream with " + n + " body bytes missing");
      }
      body.write(buf, 0, k);
      n -= k;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    pool.shutdownNow();
  }
}
