package io.github.regionalrouter.jdkserver.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Helpers of the fault tests: a raw-socket client, a loopback upstream, resource counts, polling. */
final class FaultRig {
  private FaultRig() {}

  /** A response as the client received it, raw bytes included. */
  static final class Reply {
    final byte[] raw;
    final int status;
    final String head;
    final byte[] body;
    /** The connection ended before the body did (or before any status line). */
    final boolean aborted;

    Reply(byte[] raw, int status, String head, byte[] body, boolean aborted) {
      this.raw = raw;
      this.status = status;
      this.head = head;
      this.body = body;
      this.aborted = aborted;
    }

    /** The first value of header {@code name}, or null. */
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int c = line.indexOf(':');
        if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
          return line.substring(c + 1).trim();
        }
      }
      return null;
    }

    String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    String rawText() {
      return new String(raw, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return aborted ? "aborted after " + raw.length + " bytes: " + rawText() : rawText();
    }
  }

  /**
   * Sends {@code GET path} with {@code Host: host} and {@code Connection: close} on a new
   * connection and reads the whole answer until the connection closes or the framing says the
   * body is done.
   */
  static Reply get(InetSocketAddress proxy, String host, String path) {
    try (Socket s = open(proxy)) {
      send(s, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Socket open(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.connect(address, 5_000);
    s.setSoTimeout(20_000);
    return s;
  }

  static void send(Socket s, String head) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one response: the head, then a body framed by Content-Length or chunked, or to EOF. */
  static Reply read(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int headEnd = -1;
    byte[] buf = new byte[8192];
    while (headEnd < 0) {
      int n = readSome(in, buf);
      if (n < 0) {
        return new Reply(raw.toByteArray(), status(raw.toString(StandardCharsets.ISO_8859_1)), raw.toString(StandardCharsets.ISO_8859_1), new byte[0], true);
      }
      raw.write(buf, 0, n);
      headEnd = raw.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
    }
    String all = raw.toString(StandardCharsets.ISO_8859_1);
    String head = all.substring(0, headEnd);
    int status = status(head);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] have = raw.toByteArray();
    body.write(have, headEnd + 4, have.length - headEnd - 4);
    Reply probe = new Reply(have, status, head, new byte[0], false);
    String cl = probe.header("Content-Length");
    String te = probe.header("Transfer-Encoding");
    boolean aborted = false;
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (!chunkedComplete(body.toByteArray())) {
        int n = readSome(in, buf);
        if (n < 0) {
          aborted = true;
          break;
        }
        raw.write(buf, 0, n);
        body.write(buf, 0, n);
      }
    } else if (cl != null) {
      long want = Long.parseLong(cl);
      while (body.size() < want) {
        int n = readSome(in, buf);
        if (n < 0) {
          aborted = true;
          break;
        }
        raw.write(buf, 0, n);
        body.write(buf, 0, n);
      }
    } else if (status != 204 && status != 304) {
      for (int n; (n = readSome(in, buf)) >= 0; ) {
        raw.write(buf, 0, n);
        body.write(buf, 0, n);
      }
    }
    return new Reply(raw.toByteArray(), status, head, body.toByteArray(), aborted);
  }

  private static boolean chunkedComplete(byte[] body) {
    String s = new String(body, StandardCharsets.ISO_8859_1);
    int i = 0;
    while (true) {
      int eol = s.indexOf("\r\n", i);
      if (eol < 0) {
        return false;
      }
      String size = s.substring(i, eol).split(";")[0].trim();
      long n;
      try {
        n = Long.parseLong(size, 16);
      } catch (NumberFormatException e) {
        return false;
      }
      if (n == 0) {
        return s.indexOf("\r\n\r\n", eol) >= 0 || s.startsWith("\r\n", eol + 2);
      }
      i = (int) (eol + 2 + n + 2);
      if (i > s.length()) {
        return false;
      }
    }
  }

  private static int readSome(InputStream in, byte[] buf) throws IOException {
    try {
      return in.read(buf);
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (SocketException e) {
      return -1; // reset by the proxy: an abort
    }
  }

  private static int status(String head) {
    if (!head.startsWith("HTTP/1.")) {
      return -1;
    }
    int sp = head.indexOf(' ');
    return Integer.parseInt(head.substring(sp + 1, sp + 4));
  }

  /** Polls {@code condition} until it holds or {@code max} has passed; returns whether it held. */
  static boolean eventually(Duration max, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return true;
  }

  /** The JVM's live threads. */
  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** The JVM's open file descriptors (Linux), or -1 where {@code /proc/self/fd} does not exist. */
  static long openFds() {
    Path fd = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fd)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(fd)) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** A loopback upstream on the JDK server answering {@code 200 "NAME"} to every request. */
  static HttpServer upstream(String name) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    s.setExecutor(pool);
    s.createContext("/", ex -> answer(ex, 200, name));
    s.start();
    return s;
  }

  static void stop(HttpServer s) {
    s.stop(0);
    if (s.getExecutor() instanceof ExecutorService) {
      ((ExecutorService) s.getExecutor()).shutdownNow();
    }
  }

  static String uri(HttpServer s) {
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  static void answer(HttpExchange ex, int status, String body) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
      if (b.length > 0) {
        ex.getResponseBody().write(b);
      }
    }
  }
}
