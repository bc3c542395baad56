package io.github.regionalrouter.jdkserver.http1;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * The resumable request-head parser of one connection (RFC 9112), after Netty's
 * {@code HttpObjectDecoder}: fed the bytes buffered so far, it consumes every complete line at
 * once and remembers how far it has looked into the unfinished one, so a head that arrives a byte
 * at a time is scanned once, not again on every read. Pure: no socket, no clock.
 *
 * <p>Use: {@link #feed} with the buffered bytes; it returns the head when the empty line that ends
 * it has come, else {@code null} (more is needed), and {@link #position()} is then where the
 * unconsumed bytes start (the caller's read position). Between feeds the caller may move the
 * unconsumed bytes (compact, grow) but must not change them. After a head (or a
 * {@link RejectedRequestException}) the parser is ready for the next head. One thread at a time.
 */
final class RequestHeadParser {
  /** Where the parser is within a head. */
  enum State {
    /** Before or inside the request line (empty lines before it are skipped). */
    REQUEST_LINE,
    /** Inside the header section. */
    HEADER_LINE
  }

  /** Test hook: bytes looked at while searching line ends, over all completed heads. */
  static final LongAdder SCANNED = new LongAdder();

  private final Limits limits;
  private State state = State.REQUEST_LINE;
  private ParsedRequestHead head;
  /** Bytes of the unfinished line already searched for its LF. */
  private int lineScanned;
  private int emptyLines;
  private int budget;
  private int hosts;
  private int contentLengths;
  private int transferEncodings;
  private String te;
  private int position;
  private long scanned;

  RequestHeadParser(Limits limits) {
    this.limits = limits;
  }

  /** The state the next feed resumes in. */
  State state() {
    return state;
  }

  /** Where the unconsumed bytes start in the buffer last fed. */
  int position() {
    return position;
  }

  /** Bytes searched for line ends since this head started; a test hook. */
  long scanned() {
    return scanned;
  }

  /** True if some bytes of a head (beyond skipped empty lines) have been consumed or searched. */
  boolean inHead() {
    return state != State.REQUEST_LINE || lineScanned > 0;
  }

  /**
   * Parses what it can of {@code b[pos, lim)}, whose first byte is the first not yet consumed.
   *
   * @return the head when complete, else {@code null}; {@link #position()} says what was consumed
   * @throws RejectedRequestException for a malformed or oversized head (the parser is then reset)
   */
  ParsedRequestHead feed(byte[] b, int pos, int lim) throws RejectedRequestException {
    position = pos;
    try {
      while (true) {
        // + 2: the CRLF is not counted against the limits
        int maxLen = state == State.REQUEST_LINE ? limits.maxRequestLineBytes() + 2 : budget + 2;
        int end = Math.min(lim, pos + maxLen);
        int lf = -1;
        for (int i = pos + lineScanned; i < end; i++) {
          if (b[i] == '\n') {
            lf = i;
            break;
          }
        }
        int looked = (lf < 0 ? end : lf + 1) - (pos + lineScanned);
        scanned += looked;
        if (lf < 0) {
          lineScanned = end - pos;
          if (lineScanned >= maxLen) {
            throw tooLong(b, pos, end);
          }
          position = pos;
          return null;
        }
        lineScanned = 0;
        int lineEnd = lineEnd(b, pos, lf);
        int start = pos;
        pos = lf + 1;
        position = pos;
        if (state == State.REQUEST_LINE) {
          if (lineEnd == start && emptyLines < 4) {
            emptyLines++; // RFC 9112 2.2: a server SHOULD ignore at least one empty line first
            continue;
          }
          head = new ParsedRequestHead();
          head.requestLine(b, start, lineEnd);
          budget = limits.maxHeaderBytes();
          state = State.HEADER_LINE;
          continue;
        }
        if (lineEnd == start) {
          ParsedRequestHead h = finish();
          SCANNED.add(scanned);
          reset();
          return h;
        }
        budget -= lf + 1 - start;
        if (budget < 0) {
          throw new RejectedRequestException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
        }
        headerLine(b, start, lineEnd);
      }
    } catch (RejectedRequestException e) {
      reset();
      throw e;
    }
  }

  private void reset() {
    state = State.REQUEST_LINE;
    head = null;
    lineScanned = 0;
    emptyLines = 0;
    hosts = 0;
    contentLengths = 0;
    transferEncodings = 0;
    te = null;
    scanned = 0;
  }

  private RejectedRequestException tooLong(byte[] b, int start, int end) {
    if (state == State.HEADER_LINE) {
      return new RejectedRequestException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
    }
    // a line with no space yet is all method: that is a bad or unknown method, not a long target
    for (int i = start; i < end; i++) {
      if (b[i] == ' ') {
        return new RejectedRequestException(414, "request line longer than " + limits.maxRequestLineBytes() + " bytes");
      }
      if (!ParsedRequestHead.isTchar(b[i])) {
        return new RejectedRequestException(400, "malformed request line (method)");
      }
    }
    return new RejectedRequestException(501, "method longer than " + limits.maxRequestLineBytes() + " bytes");
  }

  /** The index of the CR before {@code lf}; a line ending in a bare LF is refused. */
  private static int lineEnd(byte[] b, int start, int lf) throws RejectedRequestException {
    if (lf == start || b[lf - 1] != '\r') {
      throw new RejectedRequestException(400, "line not ended by CRLF (bare LF)");
    }
    return lf - 1;
  }

  private void headerLine(byte[] b, int start, int end) throws RejectedRequestException {
    ParsedRequestHead h = head;
    if (h.count == limits.maxHeaders()) {
      throw new RejectedRequestException(431, "more than " + limits.maxHeaders() + " header fields");
    }
    if (b[start] == ' ' || b[start] == '\t') {
      throw new RejectedRequestException(400, "obsolete line folding (a header line starts with whitespace)");
    }
    int colon = start;
    while (colon < end && ParsedRequestHead.isTchar(b[colon])) {
      colon++;
    }
    if (colon == end || b[colon] != ':') {
      throw new RejectedRequestException(400, colon == start || colon == end || b[colon] != ' ' && b[colon] != '\t'
          ? "malformed header field name" : "whitespace between a header field name and the colon");
    }
    if (colon == start) {
      throw new RejectedRequestException(400, "empty header field name");
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
        throw new RejectedRequestException(400, c == '\r' ? "bare CR in a header value"
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
          h.contentLength = ParsedRequestHead.parseLength(value);
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

  private ParsedRequestHead finish() throws RejectedRequestException {
    ParsedRequestHead h = head;
    if (h.http11 ? hosts != 1 : hosts > 1) {
      throw new RejectedRequestException(400, hosts == 0 ? "missing Host header" : "more than one Host header");
    }
    if (transferEncodings > 0) {
      if (contentLengths > 0) {
        throw new RejectedRequestException(400, "both Transfer-Encoding and Content-Length");
      }
      if (transferEncodings > 1) {
        throw new RejectedRequestException(400, "more than one Transfer-Encoding header");
      }
      if (!h.http11) {
        throw new RejectedRequestException(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (!te.equalsIgnoreCase("chunked")) {
        throw unsupportedCoding(te);
      }
      h.framing = ParsedRequestHead.CHUNKED;
      h.contentLength = -1;
    } else if (contentLengths > 1) {
      throw new RejectedRequestException(400, "more than one Content-Length header");
    } else if (contentLengths == 1 && h.contentLength > 0) {
      h.framing = ParsedRequestHead.FIXED;
    }
    return h;
  }

  /**
   * RFC 9112 6.3: a request whose codings include chunked but not last cannot be framed (400);
   * other codings are well framed but not supported (501).
   */
  private static RejectedRequestException unsupportedCoding(String te) {
    String[] codings = te.split(",", -1);
    String last = codings[codings.length - 1].trim();
    boolean chunkedLast = last.equalsIgnoreCase("chunked");
    boolean chunkedAnywhere = chunkedLast;
    for (String c : codings) {
      String t = c.trim();
      int semi = t.indexOf(';');
      if ((semi < 0 ? t : t.substring(0, semi).trim()).equalsIgnoreCase("chunked")) {
        chunkedAnywhere = true;
      }
    }
    if (chunkedAnywhere && !chunkedLast) {
      return new RejectedRequestException(400, "Transfer-Encoding where chunked is not the final coding");
    }
    return new RejectedRequestException(501, "unsupported Transfer-Encoding (only \"chunked\" alone is accepted)");
  }
}
