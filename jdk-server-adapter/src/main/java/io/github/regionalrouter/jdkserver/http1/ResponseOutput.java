package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.http.HttpSyntax;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The buffered output side of one connection: encodes response heads (validating every name and
 * value as it copies them, and rolling back on a bad one, so nothing invalid is ever written) and
 * frames bodies. Callers hold the exchange's lock.
 */
final class ResponseOutput {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[][] STATUS_LINES = new byte[600][];

  private final java.net.Socket socket;
  private OutputStream out; // blocking mode, obtained at the first blocking write
  /** Set while the connection is on an event loop: writes are non-blocking then. */
  volatile LoopWriter loopWriter;
  private final long writeTimeoutNanos;
  private byte[] buf = new byte[16 * 1024];
  private int count;
  /** The deadline of the socket write in progress ({@link System#nanoTime}), 0 when none. */
  private volatile long writeDeadline;
  private volatile boolean expired;

  ResponseOutput(java.net.Socket socket, long writeTimeoutNanos) {
    this.socket = socket;
    this.writeTimeoutNanos = writeTimeoutNanos;
  }

  /** Called by the server's timer: true if a write is blocked past its deadline (the caller closes). */
  boolean expire(long now) {
    LoopWriter w = loopWriter;
    if (w != null) {
      return w.expired(now);
    }
    long d = writeDeadline;
    if (d != 0 && now - d >= 0) {
      expired = true;
      return true;
    }
    return false;
  }

  /** A socket write; a client that does not read for the write timeout has its connection closed. */
  private void writeSocket(byte[] b, int off, int len) throws IOException {
    LoopWriter w = loopWriter;
    if (w != null) {
      w.write(b, off, len, writeTimeoutNanos);
      return;
    }
    long d = System.nanoTime() + writeTimeoutNanos;
    writeDeadline = d == 0 ? 1 : d;
    try {
      OutputStream o = out;
      if (o == null) {
        o = socket.getOutputStream();
        out = o;
      }
      o.write(b, off, len);
    } catch (IOException e) {
      if (expired) {
        throw new java.net.SocketTimeoutException("client read nothing for the write timeout");
      }
      throw e;
    } finally {
      writeDeadline = 0;
    }
  }

  static String reason(int status) {
    switch (status) {
      case 100: return "Continue";
      case 200: return "OK";
      case 201: return "Created";
      case 202: return "Accepted";
      case 204: return "No Content";
      case 206: return "Partial Content";
      case 301: return "Moved Permanently";
      case 302: return "Found";
      case 303: return "See Other";
      case 304: return "Not Modified";
      case 307: return "Temporary Redirect";
      case 308: return "Permanent Redirect";
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 405: return "Method Not Allowed";
      case 408: return "Request Timeout";
      case 409: return "Conflict";
      case 413: return "Content Too Large";
      case 414: return "URI Too Long";
      case 417: return "Expectation Failed";
      case 429: return "Too Many Requests";
      case 431: return "Request Header Fields Too Large";
      case 500: return "Internal Server Error";
      case 501: return "Not Implemented";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      case 505: return "HTTP Version Not Supported";
      default: return "";
    }
  }

  private static byte[] statusLine(int status) {
    byte[] line = STATUS_LINES[status];
    if (line == null) {
      line = ("HTTP/1.1 " + status + " " + reason(status) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      STATUS_LINES[status] = line;
    }
    return line;
  }

  int mark() {
    return count;
  }

  void reset(int mark) {
    count = mark;
  }

  void statusLineOf(int status) {
    put(statusLine(status));
  }

  /** Appends {@code name: value CRLF}; IllegalArgumentException (nothing kept) if either is invalid. */
  void header(String name, String value) {
    if (!HttpSyntax.isToken(name)) {
      throw new IllegalArgumentException("response header name \"" + printable(name) + "\" (expected: a token)");
    }
    int n = name.length();
    int v = value.length();
    ensure(n + v + 4);
    for (int i = 0; i < n; i++) {
      buf[count++] = (byte) name.charAt(i);
    }
    buf[count++] = ':';
    buf[count++] = ' ';
    for (int i = 0; i < v; i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException("response header " + name + ": value has "
            + (c == '\r' ? "CR" : c == '\n' ? "LF" : c == 0 ? "NUL" : c > 0xff ? "a non-Latin-1 character"
                : "a control character") + " (expected: visible characters, SP and HTAB)");
      }
      buf[count++] = (byte) c;
    }
    buf[count++] = '\r';
    buf[count++] = '\n';
  }

  /** Appends a header the server itself makes (already valid). */
  void trustedHeader(String name, String value) {
    ensure(name.length() + value.length() + 4);
    ascii(name);
    buf[count++] = ':';
    buf[count++] = ' ';
    ascii(value);
    put(CRLF);
  }

  void endHead() {
    put(CRLF);
  }

  void chunk(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    if (count + 20 > buf.length) {
      flush();
    }
    int digits = (64 - Long.numberOfLeadingZeros(len) + 3) / 4;
    for (int i = digits - 1; i >= 0; i--) {
      buf[count++] = HEX[(len >>> (i * 4)) & 0xf];
    }
    buf[count++] = '\r';
    buf[count++] = '\n';
    raw(b, off, len);
    if (count + 2 > buf.length) {
      flush();
    }
    put(CRLF);
  }

  void lastChunk() {
    put(LAST_CHUNK);
  }

  /** Appends bytes, writing straight to the socket when they do not fit the buffer. */
  void raw(byte[] b, int off, int len) throws IOException {
    if (count + len <= buf.length) {
      System.arraycopy(b, off, buf, count, len);
      count += len;
      return;
    }
    if (len < buf.length / 2) {
      flush();
      System.arraycopy(b, off, buf, count, len);
      count += len;
      return;
    }
    // head (or buffered bytes) and a large body: two writes, no copy of the body
    flush();
    writeSocket(b, off, len);
  }

  void raw(ByteBuffer data) throws IOException {
    if (data.hasArray()) {
      raw(data.array(), data.arrayOffset() + data.position(), data.remaining());
      data.position(data.limit());
      return;
    }
    while (data.hasRemaining()) {
      if (count == buf.length) {
        flush();
      }
      int n = Math.min(data.remaining(), buf.length - count);
      data.get(buf, count, n);
      count += n;
    }
  }

  void flush() throws IOException {
    if (count > 0) {
      int n = count;
      count = 0;
      writeSocket(buf, 0, n);
    }
  }

  private void put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, count, b.length);
    count += b.length;
  }

  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      buf[count++] = (byte) s.charAt(i);
    }
  }

  /** Grows the buffer (heads are never split; they are small, and a bad header must roll back). */
  private void ensure(int n) {
    if (count + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
