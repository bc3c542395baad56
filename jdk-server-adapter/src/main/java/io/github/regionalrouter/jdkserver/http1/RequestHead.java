package io.github.regionalrouter.jdkserver.http1;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed and validated request head, and the strict parser that makes it (RFC 9112). Every
 * violation is a {@link ProtocolException} with the status to answer; nothing lax is repaired.
 */
final class RequestHead {
  static final int NO_BODY = 0;
  static final int FIXED = 1;
  static final int CHUNKED = 2;

  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

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

  static boolean isToken(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0xff || !TCHAR[c]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads and parses one request head from {@code in}, whose next byte is the request's first.
   *
   * @throws ProtocolException for a malformed or oversized head
   * @throws java.net.SocketTimeoutException when the head is not complete by {@code deadline}
   * @throws EOFException when the client closes before the head is complete
   */
  static RequestHead read(Http1Input in, Limits limits, long deadline) throws IOException, ProtocolException {
    RequestHead h = new RequestHead();
    // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request-line
    for (int empty = 0; ; empty++) {
      int lf = in.findLineEnd(limits.maxRequestLineBytes() + 2, deadline, 0);
      if (lf < 0) {
        throw new ProtocolException(414, "request line longer than " + limits.maxRequestLineBytes() + " bytes");
      }
      int end = lineEnd(in.buf, in.pos, lf);
      if (end == in.pos && empty < 4) {
        in.pos = lf + 1;
        continue;
      }
      h.requestLine(in.buf, in.pos, end);
      in.pos = lf + 1;
      break;
    }
    int budget = limits.maxHeaderBytes();
    int hosts = 0;
    int contentLengths = 0;
    int transferEncodings = 0;
    String te = null;
    while (true) {
      // + 2: the empty line that ends the section is not counted
      int lf = in.findLineEnd(budget + 2, deadline, 0);
      if (lf < 0) {
        throw new ProtocolException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
      }
      byte[] b = in.buf;
      int start = in.pos;
      int end = lineEnd(b, start, lf);
      in.pos = lf + 1;
      if (end == start) {
        break;
      }
      budget -= lf + 1 - start;
      if (budget < 0) {
        throw new ProtocolException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
      }
      if (h.count == limits.maxHeaders()) {
        throw new ProtocolException(431, "more than " + limits.maxHeaders() + " header fields");
      }
      if (b[start] == ' ' || b[start] == '\t') {
        throw new ProtocolException(400, "obsolete line folding (a header line starts with whitespace)");
      }
      int colon = start;
      while (colon < end && TCHAR[b[colon] & 0xff]) {
        colon++;
      }
      if (colon == end || b[colon] != ':') {
        throw new ProtocolException(400, colon == start || colon == end || b[colon] != ' ' && b[colon] != '\t'
            ? "malformed header field name" : "whitespace between a header field name and the colon");
      }
      if (colon == start) {
        throw new ProtocolException(400, "empty header field name");
      }
      int vs = colon + 1;
      int ve = end;
      while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
        vs++;
      }
      while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
        ve--;
      }
      for (int i = vs; i < ve; i++) {
        int c = b[i] & 0xff;
        if (c < 0x20 && c != '\t' || c == 0x7f) {
          throw new ProtocolException(400, c == '\r' ? "bare CR in a header value"
              : c == 0 ? "NUL in a header value" : "control character in a header value");
        }
      }
      String name = new String(b, start, colon - start, StandardCharsets.ISO_8859_1);
      String value = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
      h.add(name, value);
      switch (name.length()) {
        case 4:
          if (name.equalsIgnoreCase("host")) {
            hosts++;
          }
          break;
        case 6:
          if (name.equalsIgnoreCase("expect") && value.equalsIgnoreCase("100-continue")) {
            h.expectContinue = true;
          }
          break;
        case 10:
          if (name.equalsIgnoreCase("connection")) {
            h.connectionTokens(value);
          }
          break;
        case 14:
          if (name.equalsIgnoreCase("content-length")) {
            contentLengths++;
            h.contentLength = parseLength(value);
          }
          break;
        case 17:
          if (name.equalsIgnoreCase("transfer-encoding")) {
            transferEncodings++;
            te = value;
          }
          break;
        default:
          break;
      }
    }
    if (h.http11 ? hosts != 1 : hosts > 1) {
      throw new ProtocolException(400, hosts == 0 ? "missing Host header" : "more than one Host header");
    }
    if (transferEncodings > 0) {
      if (contentLengths > 0) {
        throw new ProtocolException(400, "both Transfer-Encoding and Content-Length");
      }
      if (transferEncodings > 1) {
        throw new ProtocolException(400, "more than one Transfer-Encoding header");
      }
      if (!h.http11) {
        throw new ProtocolException(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (!te.equalsIgnoreCase("chunked")) {
        throw new ProtocolException(501, "unsupported Transfer-Encoding (only \"chunked\" alone is accepted)");
      }
      h.framing = CHUNKED;
      h.contentLength = -1;
    } else if (contentLengths > 1) {
      throw new ProtocolException(400, "more than one Content-Length header");
    } else if (contentLengths == 1 && h.contentLength > 0) {
      h.framing = FIXED;
    }
    return h;
  }

  /** The index of the CR before {@code lf}; a line ending in a bare LF is refused. */
  private static int lineEnd(byte[] b, int start, int lf) throws ProtocolException {
    if (lf == start || b[lf - 1] != '\r') {
      throw new ProtocolException(400, "line not ended by CRLF (bare LF)");
    }
    return lf - 1;
  }

  private void requestLine(byte[] b, int start, int end) throws ProtocolException {
    int i = start;
    while (i < end && TCHAR[b[i] & 0xff]) {
      i++;
    }
    if (i == start || i == end || b[i] != ' ') {
      throw new ProtocolException(400, "malformed request line (method)");
    }
    method = method(b, start, i);
    int ts = ++i;
    while (i < end && b[i] > 0x20 && b[i] < 0x7f) {
      i++;
    }
    if (i == ts || i == end || b[i] != ' ') {
      throw new ProtocolException(400, "malformed request line (request-target)");
    }
    target = new String(b, ts, i - ts, StandardCharsets.ISO_8859_1);
    int vs = i + 1;
    if (end - vs != 8 || !startsWith(b, vs, "HTTP/") || b[vs + 6] != '.' || !digit(b[vs + 5]) || !digit(b[vs + 7])) {
      throw new ProtocolException(400, "malformed request line (HTTP version)");
    }
    if (b[vs + 5] != '1' || b[vs + 7] != '1' && b[vs + 7] != '0') {
      throw new ProtocolException(505, "HTTP version not supported (expected HTTP/1.0 or HTTP/1.1)");
    }
    http11 = b[vs + 7] == '1';
    if (method.equals("CONNECT")) {
      throw new ProtocolException(501, "CONNECT is not supported");
    }
    char t0 = target.charAt(0);
    if (t0 == '/') {
      return;
    }
    if (target.equals("*")) {
      if (!method.equals("OPTIONS")) {
        throw new ProtocolException(400, "request-target * is only for OPTIONS");
      }
      return;
    }
    if (!absoluteHttp(target)) {
      throw new ProtocolException(400, "request-target must be origin-form (/path) or absolute-form (http://host/path)");
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

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** 1*DIGIT, at most 18 digits, so it always fits a long. */
  private static long parseLength(String v) throws ProtocolException {
    int n = v.length();
    if (n == 0 || n > 18) {
      throw new ProtocolException(400, "invalid Content-Length (expected 1 to 18 digits)");
    }
    long x = 0;
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException(400, "invalid Content-Length (expected 1 to 18 digits)");
      }
      x = x * 10 + (c - '0');
    }
    return x;
  }

  private void connectionTokens(String v) {
    int i = 0;
    int n = v.length();
    while (i < n) {
      int comma = v.indexOf(',', i);
      int e = comma < 0 ? n : comma;
      int s = i;
      while (s < e && (v.charAt(s) == ' ' || v.charAt(s) == '\t')) {
        s++;
      }
      int t = e;
      while (t > s && (v.charAt(t - 1) == ' ' || v.charAt(t - 1) == '\t')) {
        t--;
      }
      if (t - s == 5 && v.regionMatches(true, s, "close", 0, 5)) {
        closeRequested = true;
      } else if (t - s == 10 && v.regionMatches(true, s, "keep-alive", 0, 10)) {
        keepAliveRequested = true;
      }
      i = e + 1;
    }
  }

  private void add(String name, String value) {
    if (count == names.length) {
      names = Arrays.copyOf(names, count * 2);
      values = Arrays.copyOf(values, count * 2);
    }
    names[count] = name;
    values[count] = value;
    count++;
  }
}
