package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.http.HttpSyntax;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request head as {@link RequestHeadParser} parsed and validated it (RFC 9112), with the checks
 * of its request line. Every violation is a {@link RejectedRequestException} with the status to
 * answer; nothing lax is repaired. (Named apart from the upstream client's request head encoder.)
 */
final class ParsedRequestHead {
  static final int NO_BODY = 0;
  static final int FIXED = 1;
  static final int CHUNKED = 2;

  /** The bytes RFC 3986 allows in a request-target: pchar, "/", "?", and "[" "]" of an IP literal. */
  private static final boolean[] TARGET = HttpSyntax.alphanumericAnd("-._~!$&'()*+,;=:@/?%[]");

  String method;
  String target;
  boolean http11;
  String[] names = new String[16];
  String[] values = new String[16];
  int count;
  int framing;
  long contentLength;
  boolean closeRequested;
  boolean keepAliveRequested;
  boolean expectContinue;

  static boolean isTchar(byte c) {
    return HttpSyntax.isTchar(c);
  }

  /**
   * Reads and parses one request head from {@code in}, whose next byte is the request's first,
   * waiting for more bytes as needed (blocking mode). Bytes already searched are not searched again.
   *
   * @throws RejectedRequestException for a malformed or oversized head
   * @throws java.net.SocketTimeoutException when the head is not complete by {@code deadline}
   * @throws EOFException when the client closes before the head is complete
   */
  static ParsedRequestHead read(Http1Input in, RequestHeadParser parser, long deadline)
      throws IOException, RejectedRequestException {
    while (true) {
      ParsedRequestHead h = parser.feed(in.buf, in.pos, in.lim);
      in.pos = parser.position();
      if (h != null) {
        return h;
      }
      if (in.fill(deadline, 4096) < 0) {
        throw new EOFException("connection closed in the middle of a request head");
      }
    }
  }

  void requestLine(byte[] b, int start, int end) throws RejectedRequestException {
    int i = start;
    while (i < end && HttpSyntax.isTchar(b[i])) {
      i++;
    }
    if (i == start || i == end || b[i] != ' ') {
      throw new RejectedRequestException(400, "malformed request line (method)");
    }
    method = method(b, start, i);
    int ts = ++i;
    int brackets = -1;
    while (i < end && TARGET[b[i] & 0xff]) {
      if (b[i] == '%' && (i + 2 >= end || !hex(b[i + 1]) || !hex(b[i + 2]))) {
        throw new RejectedRequestException(400, "malformed request-target (% not followed by two hex digits)");
      }
      if ((b[i] == '[' || b[i] == ']') && brackets < 0) {
        brackets = i;
      }
      i++;
    }
    if (i < end && b[i] > 0x20 && b[i] < 0x7f) {
      throw new RejectedRequestException(400, "malformed request-target ('" + (char) b[i]
          + "' is not allowed by RFC 3986; percent-encode it)");
    }
    if (i == ts || i == end || b[i] != ' ') {
      throw new RejectedRequestException(400, "malformed request line (request-target)");
    }
    target = new String(b, ts, i - ts, StandardCharsets.ISO_8859_1);
    int vs = i + 1;
    if (end - vs != 8 || !startsWith(b, vs, "HTTP/") || b[vs + 6] != '.' || !digit(b[vs + 5]) || !digit(b[vs + 7])) {
      throw new RejectedRequestException(400, "malformed request line (HTTP version)");
    }
    if (b[vs + 5] != '1' || b[vs + 7] != '1' && b[vs + 7] != '0') {
      throw new RejectedRequestException(505, "HTTP version not supported (expected HTTP/1.0 or HTTP/1.1)");
    }
    http11 = b[vs + 7] == '1';
    if (method.equals("CONNECT")) {
      throw new RejectedRequestException(501, "CONNECT is not supported");
    }
    char t0 = target.charAt(0);
    if (t0 == '/') {
      if (brackets >= 0) {
        throw new RejectedRequestException(400, "malformed request-target ('[' or ']' outside an IP literal)");
      }
      return;
    }
    if (target.equals("*")) {
      if (!method.equals("OPTIONS")) {
        throw new RejectedRequestException(400, "request-target * is only for OPTIONS");
      }
      return;
    }
    if (!absoluteHttp(target)) {
      throw new RejectedRequestException(400, "request-target must be origin-form (/path) or absolute-form (http://host/path)");
    }
    if (brackets >= 0) {
      // "[" and "]" only delimit an IP literal, in the authority of an absolute-form target
      int authority = target.indexOf("//") + 2;
      int path = authority;
      while (path < target.length() && "/?".indexOf(target.charAt(path)) < 0) {
        path++;
      }
      if (target.indexOf('[', path) >= 0 || target.indexOf(']', path) >= 0) {
        throw new RejectedRequestException(400, "malformed request-target ('[' or ']' outside an IP literal)");
      }
    }
  }

  private static boolean absoluteHttp(String t) {
    int authority;
    if (t.regionMatches(true, 0, "http://", 0, 7)) {
      authority = 7;
    } else if (t.regionMatches(true, 0, "https://", 0, 8)) {
      authority = 8;
    } else {
      return false;
    }
    return t.length() > authority && t.charAt(authority) != '/';
  }

  private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"};

  private static String method(byte[] b, int start, int end) {
    for (String m : METHODS) {
      if (m.length() == end - start && startsWith(b, start, m)) {
        return m;
      }
    }
    return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
  }

  private static boolean startsWith(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(byte c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** 1*DIGIT, at most 18 digits, so it always fits a long. */
  static long parseLength(String v) throws RejectedRequestException {
    long n = HttpSyntax.parseContentLength(v);
    if (n < 0) {
      throw new RejectedRequestException(400, "invalid Content-Length (expected 1 to 18 digits)");
    }
    return n;
  }

  void connectionTokens(String v) {
    closeRequested |= HttpSyntax.listHas(v, "close");
    keepAliveRequested |= HttpSyntax.listHas(v, "keep-alive");
  }

  void add(String name, String value) {
    if (count == names.length) {
      names = Arrays.copyOf(names, count * 2);
      values = Arrays.copyOf(values, count * 2);
    }
    names[count] = name;
    values[count] = value;
    count++;
  }
}
