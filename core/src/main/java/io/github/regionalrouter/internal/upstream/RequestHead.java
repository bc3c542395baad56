package io.github.regionalrouter.internal.upstream;

import io.github.regionalrouter.internal.http.HttpSyntax;
import java.nio.ByteBuffer;
import java.util.List;

/** Encodes a request head as one ASCII/ISO-8859-1 buffer, rejecting what must not be sent. */
final class RequestHead {
  private RequestHead() {}

  private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] HOST = "Host: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CL0 = "Content-Length: 0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CL = "Content-Length: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TE = "Transfer-Encoding: chunked\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Whether {@code method} is one whose empty request still says {@code Content-Length: 0}. */
  private static boolean wantsLength(String m) {
    return !(m.equals("GET") || m.equals("HEAD") || m.equals("DELETE") || m.equals("OPTIONS") || m.equals("TRACE"));
  }

  /**
   * The request head for {@code method target}, {@code Host} first, then {@code headers}.
   *
   * @throws IllegalArgumentException naming the bad method, target, header name or value
   */
  static ByteBuffer encode(String method, String target, String host, List<String[]> headers) {
    return encode(method, target, host, headers, 0);
  }

  /**
   * As {@link #encode(String, String, String, List)}, framing a body of {@code bodyLength} bytes:
   * {@code Content-Length} when {@code >= 0} ({@code 0} only for methods that expect a body),
   * {@code Transfer-Encoding: chunked} when {@code -1}.
   */
  static ByteBuffer encode(String method, String target, String host, List<String[]> headers, long bodyLength) {
    byte[] framing;
    if (bodyLength < 0) {
      framing = TE;
    } else if (bodyLength > 0) {
      framing = (new String(CL, java.nio.charset.StandardCharsets.US_ASCII) + bodyLength + "\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    } else {
      framing = wantsLength(method) ? CL0 : null;
    }
    boolean cl = framing != null;
    int len = method.length() + 1 + target.length() + VERSION.length + HOST.length + host.length() + 2
        + (cl ? framing.length : 0) + 2;
    for (int i = 0, n = headers.size(); i < n; i++) {
      String[] h = headers.get(i);
      len += h[0].length() + 2 + h[1].length() + 2;
    }
    byte[] b = new byte[len];
    int p = 0;
    p = token(b, p, method, "method");
    b[p++] = ' ';
    if (target.isEmpty()) {
      throw new IllegalArgumentException("request target is empty");
    }
    for (int i = 0, n = target.length(); i < n; i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException("request target has an illegal character at index " + i);
      }
      b[p++] = (byte) c;
    }
    System.arraycopy(VERSION, 0, b, p, VERSION.length);
    p += VERSION.length;
    System.arraycopy(HOST, 0, b, p, HOST.length);
    p += HOST.length;
    p = value(b, p, host, "Host");
    if (cl) {
      System.arraycopy(framing, 0, b, p, framing.length);
      p += framing.length;
    }
    for (int i = 0, n = headers.size(); i < n; i++) {
      String[] h = headers.get(i);
      p = token(b, p, h[0], "header name");
      b[p++] = ':';
      b[p++] = ' ';
      p = value(b, p, h[1], h[0]);
    }
    b[p++] = '\r';
    b[p++] = '\n';
    return ByteBuffer.wrap(b, 0, p);
  }

  private static int token(byte[] b, int p, String s, String what) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || !HttpSyntax.isTchar(c)) {
        throw new IllegalArgumentException(what + " \"" + s + "\" (expected: an HTTP token)");
      }
      b[p++] = (byte) c;
    }
    return p;
  }

  private static int value(byte[] b, int p, String s, String name) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException("header " + name + " has an illegal character at index " + i);
      }
      b[p++] = (byte) c;
    }
    b[p++] = '\r';
    b[p++] = '\n';
    return p;
  }
}
