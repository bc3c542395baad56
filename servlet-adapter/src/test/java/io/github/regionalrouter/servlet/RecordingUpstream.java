package io.github.regionalrouter.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A raw loopback upstream that records each request exactly as framed on the wire (head, and the
 * body its own Content-Length or chunked framing delimits) and answers {@code 200 ok}, closing the
 * connection. A request whose body ended early is recorded as incomplete.
 */
final class RecordingUpstream implements AutoCloseable {
  /** One request as the upstream read it. */
  record Received(String requestLine, List<String[]> headers, byte[] body, boolean complete) {
    /** Every value of {@code name}, any case, in order. */
    List<String> values(String name) {
      List<String> out = new ArrayList<>();
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          out.add(h[1]);
        }
      }
      return out;
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "recording-upstream");
    t.setDaemon(true);
    return t;
  });

  RecordingUpstream() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          threads.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  /** The next request received, waiting at most 10 s for it (the proxy may still be sending it). */
  Received next() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the upstream received no request");
    }
    return r;
  }

  String uri() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = readLine(in, "\r\n\r\n");
      if (head == null) {
        return;
      }
      String[] lines = head.substring(0, head.length() - 4).split("\r\n", -1);
      List<String[]> headers = new ArrayList<>();
      long length = 0;
      boolean chunked = false;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = colon < 0 ? lines[i] : lines[i].substring(0, colon);
        String value = colon < 0 ? "" : lines[i].substring(colon + 1).trim();
        headers.add(new String[] {name, value});
        if (name.equalsIgnoreCase("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("transfer-encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      boolean complete = chunked ? readChunked(in, body) : readFixed(in, body, length);
      received.add(new Received(lines[0], headers, body.toByteArray(), complete));
      s.getOutputStream().write(
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    } catch (IOException | RuntimeException e) {
      // the proxy went away or sent nonsense: recorded above as far as it got
    }
  }

  private static boolean readFixed(InputStream in, ByteArrayOutputStream body, long length) throws IOException {
    for (long i = 0; i < length; i++) {
      int c = in.read();
      if (c < 0) {
        return false;
      }
      body.write(c);
    }
    return true;
  }

  private static boolean readChunked(InputStream in, ByteArrayOutputStream body) throws IOException {
    while (true) {
      String sizeLine = readLine(in, "\r\n");
      if (sizeLine == null) {
        return false;
      }
      int semi = sizeLine.indexOf(';');
      String hex = (semi < 0 ? sizeLine.substring(0, sizeLine.length() - 2) : sizeLine.substring(0, semi)).trim();
      long size = Long.parseLong(hex, 16);
      if (size == 0) {
        return readLine(in, "\r\n") != null; // no trailers from java.net.http
      }
      if (!readFixed(in, body, size) || readLine(in, "\r\n") == null) {
        return false;
      }
    }
  }

  /** Reads through {@code end}; null at EOF before it. */
  private static String readLine(InputStream in, String end) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      b.append((char) c);
      if (b.length() >= end.length() && b.lastIndexOf(end) == b.length() - end.length()) {
        return b.toString();
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
