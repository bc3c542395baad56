package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.forward.RequestBody;
import io.github.regionalrouter.forward.ResponseSink;
import io.github.regionalrouter.internal.loop.LoopSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request and its response on an {@link Http1Server} connection.
 *
 * <p>The request side is an {@link InboundRequest} (headers as received, matched case-insensitively
 * without allocating) and a {@link RequestBody}: {@link #stream()} gives the de-framed body, read
 * on whatever thread calls it, blocking, with the server's body idle timeout. The response side is
 * a {@link ResponseSink}: {@link #sendHead}, any number of {@link #write}s, then {@link #complete}
 * or {@link #abort}, from any thread, one call at a time. So an exchange plugs into the forwarder
 * as is: {@code forwarder.handle(exchange, exchange, exchange)}.
 *
 * <p>Framing is the server's: {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}
 * and {@code Keep-Alive} given to {@link #sendHead} are dropped and replaced by the server's own.
 */
public final class Http1Exchange implements InboundRequest, RequestBody, ResponseSink, LoopSink {
  private static final int NOT_STARTED = 0;
  private static final int HEAD_SENT = 1;
  private static final int COMPLETED = 2;
  private static final int ABORTED = 3;
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final Http1Connection conn;
  private final ParsedRequestHead head;
  private final BodyInputStream body;
  private final Object lock = new Object();
  private int state;
  private boolean continueSent;
  private boolean bodyBroken;
  private boolean noBody;
  private boolean chunkedOut;
  private boolean closeAfter;
  private long length;
  private long written;
  private Set<String> names;
  /** The thread running the handler while it runs, so a synchronous completion loops instead of resubmitting. */
  volatile Thread handlerThread;
  boolean continueInline;

  Http1Exchange(Http1Connection conn, ParsedRequestHead head) {
    this.conn = conn;
    this.head = head;
    this.body = head.framing == ParsedRequestHead.NO_BODY ? null
        : new BodyInputStream(this, conn, head.framing == ParsedRequestHead.CHUNKED, head.contentLength);
  }

  @Override
  public String method() {
    return head.method;
  }

  @Override
  public String target() {
    return head.target;
  }

  /**
   * {@code HTTP/1.1} or {@code HTTP/1.0}.
   *
   * @return the request's HTTP version
   */
  public String version() {
    return head.http11 ? "HTTP/1.1" : "HTTP/1.0";
  }

  @Override
  public String header(String name) {
    String[] n = head.names;
    for (int i = 0; i < head.count; i++) {
      if (n[i].equalsIgnoreCase(name)) {
        return head.values[i];
      }
    }
    return null;
  }

  @Override
  public List<String> headers(String name) {
    List<String> out = null;
    for (int i = 0; i < head.count; i++) {
      if (head.names[i].equalsIgnoreCase(name)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(head.values[i]);
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  @Override
  public Iterable<String> headerNames() {
    if (names == null) {
      Set<String> seen = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      Set<String> ordered = new LinkedHashSet<>();
      for (int i = 0; i < head.count; i++) {
        if (seen.add(head.names[i])) {
          ordered.add(head.names[i]);
        }
      }
      names = Collections.unmodifiableSet(ordered);
    }
    return names;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return conn.remoteAddress();
  }

  /**
   * Whether the request has a body (a positive {@code Content-Length}, or chunked).
   *
   * @return true if the request has a body
   */
  public boolean hasBody() {
    return body != null;
  }

  /** {@code 0} without a body, {@code -1} for a chunked body, else its exact length. */
  @Override
  public long contentLength() {
    return head.framing == ParsedRequestHead.NO_BODY ? 0 : head.contentLength;
  }

  /**
   * The request body, de-framed: its end is -1; a malformed chunk, an early end of stream, a reset
   * or no byte for the body idle timeout is an {@link IOException} (the connection is then closed).
   * Empty for a request without a body. Reads block, so on an event-loop connection they must not
   * be made on the loop's thread (they throw {@link IllegalStateException} there); the stream is
   * then also an {@code internal.loop.LoopBody} the loop reads without blocking. A request with {@code Expect: 100-continue} gets its
   * {@code 100 Continue} at the first read, unless a response was started before (the connection
   * then closes after the response); other {@code Expect} values are ignored. Chunk extensions are
   * ignored; trailer fields are read, bounded like the header section, and discarded.
   *
   * @return the body stream; never null
   */
  public InputStream requestBody() {
    return body == null ? InputStream.nullInputStream() : body;
  }

  /** Same as {@link #requestBody()}. */
  @Override
  public InputStream stream() {
    return requestBody();
  }

  /**
   * Whether the server is draining: a handler may answer 503 or close new work.
   *
   * @return true if the server is draining
   */
  public boolean draining() {
    return conn.server().draining();
  }

  /**
   * Sends the status line and headers.
   *
   * @param contentLength {@code >= 0}: a {@code Content-Length} body of exactly that many bytes;
   *     {@code -1}: chunked (close-delimited for HTTP/1.0). Responses to {@code HEAD}, 204 and 304
   *     have no body whatever is given, and bytes written to them are dropped (a {@code HEAD}
   *     answer keeps its {@code Content-Length})
   * @param status the status code, 200-599
   * @param headers the headers by name, values in order; framing headers ({@code Content-Length},
   *     {@code Transfer-Encoding}, {@code Connection}, {@code Keep-Alive}) are not taken from here
   * @throws IllegalArgumentException if the status is not 200-599, a header name is not a token,
   *     or a value has CR, LF, NUL or another control character; nothing is written then
   * @throws IllegalStateException if the head was already sent
   * @throws IOException if writing to the client fails (the client is gone, or the write timed out)
   */
  public void sendHead(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
    synchronized (lock) {
      int mark = begin(status, contentLength);
      try {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
          if (!framingHeader(e.getKey())) {
            for (String v : e.getValue()) {
              conn.output.header(e.getKey(), v);
            }
          }
        }
      } catch (RuntimeException e) {
        conn.output.reset(mark);
        throw e;
      }
      finishHead(status, contentLength);
    }
  }

  /**
   * Like {@link #sendHead(int, Map, long)}, with headers as an ordered list of name-value pairs.
   *
   * @param status the status code, 200-599
   * @param headers the headers as name-value pairs, in order; framing headers are not taken from
   *     here
   * @param contentLength the body length, or {@code -1}, as for {@link #sendHead(int, Map, long)}
   * @throws IOException if writing to the client fails (the client is gone, or the write timed out)
   */
  public void sendHead(int status, List<Map.Entry<String, String>> headers, long contentLength) throws IOException {
    synchronized (lock) {
      int mark = begin(status, contentLength);
      try {
        for (Map.Entry<String, String> e : headers) {
          if (!framingHeader(e.getKey())) {
            conn.output.header(e.getKey(), e.getValue());
          }
        }
      } catch (RuntimeException e) {
        conn.output.reset(mark);
        throw e;
      }
      finishHead(status, contentLength);
    }
  }

  /** Same as {@link #sendHead(int, Map, long)}. */
  @Override
  public void start(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
    sendHead(status, headers, contentLength);
  }

  private int begin(int status, long contentLength) throws IOException {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 200-599; interim answers are the server's)");
    }
    if (contentLength < -1) {
      throw new IllegalArgumentException("contentLength: " + contentLength + " (expected: -1 or >= 0)");
    }
    checkState(NOT_STARTED, "response head already sent");
    int mark = conn.output.mark();
    conn.output.statusLineOf(status);
    return mark;
  }

  private void finishHead(int status, long contentLength) throws IOException {
    ResponseOutput out = conn.output;
    boolean bodiless = status < 200 || status == 204 || status == 304;
    noBody = bodiless || head.method.equals("HEAD");
    length = contentLength;
    closeAfter = head.closeRequested || !head.http11 && !head.keepAliveRequested || conn.server().draining()
        || bodyBroken || unreadBodyTooLarge();
    if (contentLength >= 0 && !bodiless) {
      out.trustedHeader("Content-Length", Long.toString(contentLength));
    } else if (!noBody) {
      if (head.http11) {
        chunkedOut = true;
        out.trustedHeader("Transfer-Encoding", "chunked");
      } else {
        closeAfter = true;
      }
    }
    if (closeAfter) {
      out.trustedHeader("Connection", "close");
    } else if (!head.http11) {
      out.trustedHeader("Connection", "keep-alive");
    }
    out.endHead();
    state = HEAD_SENT;
    if (noBody || contentLength == 0) {
      return; // complete() will flush head and all in one write
    }
    if (contentLength < 0) {
      out.flush();
    }
    // with a length, the head waits for the first body bytes: one write for both
  }

  private boolean unreadBodyTooLarge() {
    if (body == null || body.atEnd()) {
      return false;
    }
    // a client waiting for 100 Continue may never send the body: do not wait for it
    return head.expectContinue && !continueSent || !body.failed() && head.framing == ParsedRequestHead.FIXED
        && head.contentLength > Limits.BODY_DRAIN_LIMIT;
  }

  private static boolean framingHeader(String name) {
    switch (name.length()) {
      case 10:
        return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 14:
        return name.equalsIgnoreCase("content-length");
      case 17:
        return name.equalsIgnoreCase("transfer-encoding");
      default:
        return false;
    }
  }

  /** Writes the next body bytes; the buffer is not used after this returns. */
  @Override
  public void write(ByteBuffer data) throws IOException {
    synchronized (lock) {
      int n = checkWrite(data.remaining());
      if (n <= 0) {
        data.position(data.limit());
        return;
      }
      if (chunkedOut) {
        if (data.hasArray()) {
          conn.output.chunk(data.array(), data.arrayOffset() + data.position(), n);
          data.position(data.limit());
        } else {
          byte[] copy = new byte[n];
          data.get(copy);
          conn.output.chunk(copy, 0, n);
        }
      } else {
        conn.output.raw(data);
      }
      afterWrite(n);
    }
  }

  /**
   * Writes the next body bytes.
   *
   * @param b the bytes; not null
   * @param off the offset of the first byte to write in {@code b}
   * @param len the number of bytes to write
   * @throws IOException if writing to the client fails (the client is gone, or the write timed out)
   */
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    synchronized (lock) {
      int n = checkWrite(len);
      if (n <= 0) {
        return;
      }
      if (chunkedOut) {
        conn.output.chunk(b, off, n);
      } else {
        conn.output.raw(b, off, n);
      }
      afterWrite(n);
    }
  }

  private int checkWrite(int n) throws IOException {
    checkState(HEAD_SENT, "write before sendHead, or after complete/abort");
    if (noBody || n == 0) {
      return 0;
    }
    if (length >= 0 && written + n > length) {
      IOException e = new IOException("response body longer than its Content-Length " + length);
      abortLocked(e);
      throw e;
    }
    return n;
  }

  private void afterWrite(int n) throws IOException {
    written += n;
    // flush now unless this was the last of a known length: complete() sends it with nothing after
    if (written != length) {
      try {
        conn.output.flush();
      } catch (IOException e) {
        abortLocked(e);
        throw e;
      }
    }
  }

  /**
   * Ends the response (the last chunk for a chunked body), then keeps the connection for the next
   * request or closes it.
   *
   * @throws IOException if the client is gone, or fewer bytes than the {@code Content-Length} were
   *     written (the connection is then aborted: the client sees an incomplete response)
   */
  @Override
  public void complete() throws IOException {
    boolean keepAlive;
    synchronized (lock) {
      checkState(HEAD_SENT, "complete before sendHead, or after complete/abort");
      if (!noBody && length >= 0 && written < length) {
        IOException e = new IOException("response body has " + written + " of its " + length + " bytes");
        abortLocked(e);
        throw e;
      }
      try {
        if (chunkedOut) {
          conn.output.lastChunk();
        }
        conn.output.flush();
      } catch (IOException e) {
        abortLocked(e);
        throw e;
      }
      state = COMPLETED;
      keepAlive = !closeAfter && !bodyBroken;
    }
    conn.exchangeDone(this, keepAlive);
  }

  /** Closes the connection at once with a reset: the client sees the response is incomplete. */
  public void abort() {
    synchronized (lock) {
      abortLocked(null);
    }
  }

  @Override
  public void abort(Throwable cause) {
    abort();
  }

  private void abortLocked(Throwable cause) {
    if (state == COMPLETED || state == ABORTED) {
      return;
    }
    state = ABORTED;
    conn.abort();
  }

  /**
   * Answers with {@code status} and a plain-text body of {@code text} and completes the exchange.
   *
   * @param status the status code, 200-599
   * @param text the body text, sent in UTF-8 with a newline appended; not null
   * @throws IllegalStateException if a response was started
   * @throws IOException if writing to the client fails (the client is gone, or the write timed out)
   */
  public void respond(int status, String text) throws IOException {
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    sendHead(status, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")), b.length);
    write(b, 0, b.length);
    complete();
  }

  /**
   * True while the connection is on the server's event loop and everything written so far has
   * reached the socket: a call then writes what the socket takes and keeps the rest, never
   * blocking, so the forwarder may call from its upstream I/O thread.
   */
  @Override
  public boolean nonBlockingNow() {
    if (!conn.onLoop) {
      return false;
    }
    LoopWriter w = conn.output.loopWriter;
    return w != null && w.flushed();
  }

  /**
   * On the event loop, with written bytes the client's socket has not taken yet: runs
   * {@code then} on the loop once they are out (or the connection closed) and returns true. Else
   * false, and nothing is run.
   *
   * @param then what to run once the bytes are out
   * @return true if {@code then} will run later, false if nothing is kept (it was not run)
   */
  @Override
  public boolean whenWritten(Runnable then) {
    LoopWriter w = conn.output.loopWriter;
    return conn.onLoop && w != null && w.whenWritten(then);
  }

  /**
   * Whether {@link #sendHead} has been called.
   *
   * @return true once the head is sent or being sent
   */
  public boolean responseStarted() {
    synchronized (lock) {
      return state != NOT_STARTED;
    }
  }

  private void checkState(int expected, String message) throws IOException {
    if (state == ABORTED) {
      throw new IOException("exchange aborted");
    }
    if (state != expected) {
      throw new IllegalStateException(message);
    }
  }

  // ---- called by the body stream and the connection

  void beforeFirstBodyRead() throws IOException {
    synchronized (lock) {
      if (head.expectContinue && head.http11 && state == NOT_STARTED && !continueSent) {
        continueSent = true;
        conn.output.raw(CONTINUE, 0, CONTINUE.length);
        conn.output.flush();
      }
    }
  }

  void bodyFailed(IOException e, boolean malformed) {
    boolean answered = false;
    synchronized (lock) {
      bodyBroken = true;
      if (malformed && state == NOT_STARTED) {
        state = ABORTED;
        answered = conn.writeError(400, e.getMessage());
      }
    }
    if (answered) {
      conn.lingerAndClose();
    } else {
      conn.abort();
    }
  }

  /**
   * The handler threw: 500 if nothing was sent, else abort. (503 when no thread could take the
   * handler call: {@link java.util.concurrent.RejectedExecutionException}.)
   */
  void handlerFailed(Throwable t) {
    synchronized (lock) {
      if (state == NOT_STARTED) {
        state = ABORTED;
        boolean busy = t instanceof java.util.concurrent.RejectedExecutionException;
        if (busy ? conn.writeError(503, "server busy") : conn.writeError(500, "internal error")) {
          conn.lingerAndClose();
        } else {
          conn.abort();
        }
      } else {
        abortLocked(t);
      }
    }
  }

  /** The body stream, null for a request without a body. */
  BodyInputStream body() {
    return body;
  }

  /** Whether the request body, if any, was read to its end (or failed: nothing more is read then). */
  boolean bodyConsumed() {
    return body == null || body.atEnd() || body.failed();
  }

  /** Discards an unread request body up to the limit; false if the connection cannot be reused. */
  boolean drainBody() {
    return body == null || body.atEnd() || body.drain(Limits.BODY_DRAIN_LIMIT);
  }
}
