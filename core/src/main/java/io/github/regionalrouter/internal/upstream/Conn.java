package io.github.regionalrouter.internal.upstream;

import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.http.HeaderFields;
import io.github.regionalrouter.internal.http.HttpSyntax;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One upstream connection and the response being read on it. Selector thread only (requests are
 * started on it too, see {@code UpstreamClient.start}).
 */
final class Conn implements SelectorLoop.Handler {
  static final int READ_BUFFER = 16 * 1024;

  static final int HEAD = 0;
  private static final int BODY = 1;

  private static final int NONE = 0;
  private static final int LENGTH = 1;
  private static final int CHUNKED = 2;
  private static final int TO_EOF = 3;

  private static final int C_SIZE = 0;
  private static final int C_EXT = 1;
  private static final int C_SIZE_LF = 2;
  private static final int C_DATA = 3;
  private static final int C_DATA_CR = 4;
  private static final int C_DATA_LF = 5;
  private static final int C_TRAILER_START = 6;
  private static final int C_TRAILER_LINE = 7;
  private static final int C_TRAILER_LF = 8;
  private static final int C_END_LF = 9;

  final UpstreamClient client;
  final Endpoint endpoint;
  final SocketChannel ch;
  SelectionKey key;
  private int interest;
  private int baseInterest; // what the response side wants
  private boolean writing; // a request-body chunk waits for the channel to be writable
  private ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip(); // always in read mode
  Exchange x;
  long idleSince;
  boolean connecting;
  long connectDeadline;
  private boolean closed;

  // the response being read
  int phase;
  private int headScan; // bytes of the head scanned so far, from in.position()
  private int lineStart; // offset of the current line's start, from in.position()
  private int framing;
  private long remaining; // of the body (LENGTH) or of the current chunk (CHUNKED)
  private int chunkState;
  private int extState; // HttpSyntax's chunk-extension state while chunkState is C_EXT
  private int chunkDigits;
  private int lineLength;
  private int trailerBytes;
  private boolean bodyDone;
  private boolean keepAlive;
  private boolean eof;
  private boolean received; // any byte of this exchange's response
  private boolean bodyCut; // the request body was not sent whole: never reuse

  Conn(UpstreamClient client, Endpoint endpoint, SocketChannel ch) {
    this.client = client;
    this.endpoint = endpoint;
    this.ch = ch;
    client.open.incrementAndGet();
  }

  /** The channel is ready: connect, write, then read, as its ready set says. */
  @Override
  public void onReady(SelectionKey k) {
    int ready = k.readyOps();
    if ((ready & SelectionKey.OP_CONNECT) != 0) {
      onConnectable();
      return;
    }
    if ((ready & SelectionKey.OP_WRITE) != 0) {
      onWritable();
    }
    if ((ready & SelectionKey.OP_READ) != 0 && !closed) {
      onReadable();
    }
  }

  /** Starts {@code ex} on this connection. */
  void begin(Exchange ex) {
    x = ex;
    ex.conn = this;
    phase = HEAD;
    headScan = 0;
    lineStart = 0;
    received = false;
    bodyDone = false;
    eof = false;
    bodyCut = false;
  }

  /**
   * Whether a pooled connection is fit for another request: the upstream neither closed it nor
   * sent anything unasked (a late {@code 408}, say, which would pass for the next answer) since
   * the selector last looked. One non-blocking read. Selector thread.
   */
  boolean stillIdle() {
    try {
      in.clear();
      int n;
      try {
        n = ch.read(in);
      } finally {
        in.flip();
      }
      return n == 0;
    } catch (IOException e) {
      return false;
    }
  }

  void setInterest(int ops) {
    baseInterest = ops;
    int want = writing ? ops | SelectionKey.OP_WRITE : ops;
    if (want != interest && !closed) {
      key.interestOps(want);
      interest = want;
    }
  }

  private void setWriting(boolean w) {
    if (writing != w) {
      writing = w;
      setInterest(baseInterest);
    }
  }

  /** The caller wrote the head (all of it, or not) on a pooled connection. Selector thread. */
  void activate(boolean written) {
    if (client.isClosed()) {
      fail(new IOException("upstream client is closed"));
      return;
    }
    client.busy.add(this);
    if (written) {
      headWritten();
    } else {
      setInterest(SelectionKey.OP_WRITE);
    }
  }

  void onConnectable() {
    try {
      if (!ch.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      fail(e);
      return;
    }
    connecting = false;
    onWritable();
  }

  void onWritable() {
    Exchange ex = x;
    if (ex == null) {
      setWriting(false);
      return;
    }
    if (!ex.request.hasRemaining()) {
      writeBody(ex);
      return;
    }
    try {
      ch.write(ex.request);
    } catch (IOException e) {
      failIo(e);
      return;
    }
    if (ex.request.hasRemaining()) {
      setInterest(SelectionKey.OP_WRITE);
    } else {
      headWritten();
    }
  }

  /** The request head is out: start pumping the body, if any, and read the answer. */
  private void headWritten() {
    Exchange ex = x;
    if (ex != null && ex.body != null && !ex.bodyStarted) {
      ex.bodyStarted = true;
      ex.readBody(this);
    }
    drive();
  }

  /**
   * A chunk of the request body was read (or the read failed) on the executor. Selector thread.
   * Ignored once the exchange left this connection or stopped sending (an early answer).
   */
  void onBodyRead(Exchange ex, ByteBuffer out, IOException err) {
    ex.bodyReading = false;
    if (x != ex || ex.done || ex.bodyStopped) {
      return;
    }
    if (err != null) {
      // never let the upstream take a truncated body for a whole one: close before its end
      fail(new RequestBodyException(err));
      return;
    }
    ex.bodyOut = out;
    writeBody(ex);
  }

  /** Writes what is left of the current body chunk; then reads the next, or marks the body sent. */
  private void writeBody(Exchange ex) {
    ByteBuffer out = ex.bodyOut;
    if (out == null || ex.bodyStopped) {
      setWriting(false);
      return;
    }
    try {
      ch.write(out);
    } catch (IOException e) {
      // the upstream may have answered and closed: stop sending, read what it said
      stopBody(ex);
      drive();
      return;
    }
    if (out.hasRemaining()) {
      setWriting(true);
      return;
    }
    ex.bodyOut = null;
    setWriting(false);
    if (ex.isLast(out)) {
      ex.bodySent = true;
    } else {
      ex.readBody(this);
    }
  }

  /** Sends no more of the request body; the connection is not reused after this exchange. */
  private void stopBody(Exchange ex) {
    ex.bodyStopped = true;
    ex.bodyOut = null;
    keepAlive = false;
    bodyCut = true;
    setWriting(false);
  }

  void onReadable() {
    if (x == null) {
      client.idleReadable(this); // pooled: the upstream closed it or sent something unasked
      return;
    }
    int n;
    try {
      in.compact();
      try {
        n = ch.read(in);
      } finally {
        in.flip();
      }
    } catch (IOException e) {
      failIo(e);
      return;
    }
    if (n < 0) {
      eof = true;
    } else if (n > 0) {
      received = true;
    }
    drive();
  }

  /** Parses what is buffered and delivers what the subscriber asked for, then sets interest. */
  void drive() {
    try {
      for (;;) {
        Exchange ex = x;
        if (ex == null) {
          return;
        }
        if (phase == HEAD) {
          int end = scanHead();
          if (end < 0) {
            if (eof) {
              closedBeforeHead(null);
              return;
            }
            if (in.limit() == in.capacity() && in.position() == 0) {
              grow();
            }
            setInterest(SelectionKey.OP_READ);
            return;
          }
          if (parseHead(end)) {
            if (ex.body != null && !ex.bodySent) {
              stopBody(ex); // an early answer (413, 401...): deliver it, send no more
            }
            HttpResponse.BodySubscriber<Void> s = ex.handler.apply(info);
            info = null;
            ex.subscriber = s;
            s.onSubscribe(ex);
            if (x != ex || ex.done) {
              return;
            }
          }
          continue;
        }
        if (bodyDone) {
          finish();
          return;
        }
        if (ex.demand <= 0) {
          if (ex.pause()) {
            setInterest(0);
            return;
          }
          continue;
        }
        List<ByteBuffer> out = take();
        if (out != null) {
          ex.used();
          ex.next(out);
          if (x != ex || ex.done) {
            return;
          }
          continue;
        }
        if (bodyDone) {
          continue;
        }
        if (eof) {
          fail(new IOException("upstream closed the connection mid-body"));
          return;
        }
        setInterest(SelectionKey.OP_READ);
        return;
      }
    } catch (ProtocolException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(e); // a handler or subscriber threw
    }
  }

  private Info info;

  private void grow() throws ProtocolException {
    if (in.capacity() >= Http1.MAX_HEAD) {
      throw new ProtocolException("response head is larger than " + Http1.MAX_HEAD + " bytes");
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.min(in.capacity() * 2, Http1.MAX_HEAD));
    bigger.put(in).flip();
    in = bigger;
  }

  /** The end (exclusive) of a complete head in the buffer, or -1. Rejects bare CR, bare LF, NUL. */
  private int scanHead() throws ProtocolException {
    byte[] a = in.array();
    int start = in.position();
    int lim = in.limit();
    for (int i = start + headScan; i < lim; i++) {
      byte b = a[i];
      if (b == '\n') {
        if (i == start || a[i - 1] != '\r') {
          throw new ProtocolException("response head has a bare LF");
        }
        if (i - 1 == start + lineStart) {
          if (lineStart == 0) {
            throw new ProtocolException("response starts with an empty line (expected: a status line)");
          }
          headScan = 0;
          lineStart = 0;
          return i + 1;
        }
        lineStart = i + 1 - start;
      } else if (b == 0) {
        throw new ProtocolException("response head has a NUL byte");
      } else if (i > start && a[i - 1] == '\r') {
        throw new ProtocolException("response head has a bare CR");
      }
      if (i + 1 - start > Http1.MAX_HEAD) {
        throw new ProtocolException("response head is larger than " + Http1.MAX_HEAD + " bytes");
      }
    }
    headScan = lim - start;
    return -1;
  }

  private static int crlf(byte[] a, int from) {
    while (a[from] != '\r') {
      from++;
    }
    return from;
  }

  /**
   * Parses the head in {@code [in.position(), end)} and consumes it; true for a final response
   * (then {@link #info} is set and the body framing known), false for an interim 1xx (skipped).
   */
  private boolean parseHead(int end) throws ProtocolException {
    byte[] a = in.array();
    int s = in.position();
    int eol = crlf(a, s);
    int len = eol - s;
    if (len < 12 || a[s] != 'H' || a[s + 1] != 'T' || a[s + 2] != 'T' || a[s + 3] != 'P' || a[s + 4] != '/'
        || a[s + 5] != '1' || a[s + 6] != '.' || (a[s + 7] != '0' && a[s + 7] != '1') || a[s + 8] != ' '
        || !digit(a[s + 9]) || !digit(a[s + 10]) || !digit(a[s + 11]) || (len > 12 && a[s + 12] != ' ')) {
      throw new ProtocolException("invalid status line (expected: HTTP/1.x SP 3DIGIT SP reason)");
    }
    for (int i = s + 13; i < eol; i++) {
      int b = a[i] & 0xff;
      if (b < 0x20 && b != '\t' || b == 0x7f) {
        throw new ProtocolException("status line has a control character");
      }
    }
    boolean http11 = a[s + 7] == '1';
    int status = (a[s + 9] - '0') * 100 + (a[s + 10] - '0') * 10 + (a[s + 11] - '0');
    if (status < 100 || status > 599) {
      throw new ProtocolException("status " + status + " (expected: 100-599)");
    }
    boolean interim = status < 200;
    if (status == 101) {
      throw new ProtocolException("upstream switched protocols unasked (101)");
    }
    String[] fields = interim ? null : new String[16]; // name, value, name, value...
    int count = 0;
    int clCount = 0;
    int teCount = 0;
    String cl = null;
    String te = null;
    boolean close = false;
    int p = eol + 2;
    while (p < end - 2) {
      int e = crlf(a, p);
      if (a[p] == ' ' || a[p] == '\t') {
        throw new ProtocolException("response header folded over lines (obs-fold)");
      }
      int colon = -1;
      for (int i = p; i < e; i++) {
        byte b = a[i];
        if (b == ':') {
          colon = i;
          break;
        }
        if (b < 0 || !HttpSyntax.isTchar(b)) {
          throw new ProtocolException("invalid response header name (whitespace before colon or a non-token byte)");
        }
      }
      if (colon <= p) {
        throw new ProtocolException("invalid response header line (expected: name: value)");
      }
      int vs = colon + 1;
      while (vs < e && (a[vs] == ' ' || a[vs] == '\t')) {
        vs++;
      }
      int ve = e;
      while (ve > vs && (a[ve - 1] == ' ' || a[ve - 1] == '\t')) {
        ve--;
      }
      for (int i = vs; i < ve; i++) {
        int b = a[i] & 0xff;
        if (b < 0x20 && b != '\t' || b == 0x7f) {
          throw new ProtocolException("response header value has a control character");
        }
      }
      if (++count > Http1.MAX_HEADERS) {
        throw new ProtocolException("response has more than " + Http1.MAX_HEADERS + " headers");
      }
      if (!interim) {
        String name = new String(a, p, colon - p, StandardCharsets.ISO_8859_1);
        String value = new String(a, vs, ve - vs, StandardCharsets.ISO_8859_1);
        if (2 * count > fields.length) {
          fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[2 * count - 2] = name;
        fields[2 * count - 1] = value;
        int nl = colon - p;
        if (nl == 14 && name.equalsIgnoreCase("content-length")) {
          clCount++;
          cl = value;
        } else if (nl == 17 && name.equalsIgnoreCase("transfer-encoding")) {
          teCount++;
          te = value;
        } else if (nl == 10 && name.equalsIgnoreCase("connection")) {
          close |= HttpSyntax.listHas(value, "close");
        }
      }
      p = e + 2;
    }
    in.position(end);
    if (interim) {
      return false;
    }
    if (teCount > 0 && clCount > 0) {
      throw new ProtocolException("response has both Transfer-Encoding and Content-Length");
    }
    if (teCount > 1 || (teCount == 1 && !te.equalsIgnoreCase("chunked"))) {
      throw new ProtocolException("Transfer-Encoding: " + te + " (expected: chunked)");
    }
    if (clCount > 1) {
      throw new ProtocolException("response has more than one Content-Length");
    }
    long length = -1;
    if (clCount == 1) {
      length = parseLength(cl);
    }
    keepAlive = http11 && !close;
    if (x.head || status == 204 || status == 304) {
      framing = NONE;
      bodyDone = true;
    } else if (teCount == 1) {
      framing = CHUNKED;
      chunkState = C_SIZE;
      chunkDigits = 0;
      remaining = 0;
      lineLength = 0;
      trailerBytes = 0;
    } else if (length >= 0) {
      framing = LENGTH;
      remaining = length;
      bodyDone = length == 0;
    } else {
      framing = TO_EOF;
      keepAlive = false;
    }
    phase = BODY;
    info = new Info(status, fields, count);
    return true;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static long parseLength(String v) throws ProtocolException {
    long n = HttpSyntax.parseContentLength(v);
    if (n < 0) {
      throw new ProtocolException("Content-Length: " + v + " (expected: 1-18 digits)");
    }
    return n;
  }


  /** The next body bytes in the buffer, copied; null if none is buffered. */
  private List<ByteBuffer> take() throws ProtocolException {
    switch (framing) {
      case LENGTH: {
        int n = (int) Math.min(in.remaining(), remaining);
        if (n == 0) {
          return null;
        }
        remaining -= n;
        bodyDone = remaining == 0;
        return List.of(copy(n));
      }
      case TO_EOF: {
        int n = in.remaining();
        if (n == 0) {
          bodyDone = eof;
          return null;
        }
        return List.of(copy(n));
      }
      case CHUNKED:
        return takeChunked();
      default:
        bodyDone = true;
        return null;
    }
  }

  private ByteBuffer copy(int n) {
    int p = in.position();
    byte[] b = Arrays.copyOfRange(in.array(), p, p + n);
    in.position(p + n);
    return ByteBuffer.wrap(b);
  }

  private List<ByteBuffer> takeChunked() throws ProtocolException {
    byte[] a = in.array();
    int p = in.position();
    int lim = in.limit();
    ByteBuffer first = null;
    List<ByteBuffer> more = null;
    while (p < lim && !bodyDone) {
      if (chunkState == C_DATA) {
        int n = (int) Math.min(lim - p, remaining);
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOfRange(a, p, p + n));
        p += n;
        remaining -= n;
        if (remaining == 0) {
          chunkState = C_DATA_CR;
        }
        if (first == null) {
          first = b;
        } else {
          if (more == null) {
            more = new ArrayList<>(4);
            more.add(first);
          }
          more.add(b);
        }
        continue;
      }
      int c = a[p++] & 0xff;
      switch (chunkState) {
        case C_SIZE: {
          int d = Character.digit(c, 16);
          if (d >= 0 && c < 0x80) {
            if (++chunkDigits > 15) {
              throw new ProtocolException("chunk size is too large");
            }
            remaining = remaining * 16 + d;
          } else if (chunkDigits == 0) {
            throw new ProtocolException("invalid chunk size line (expected: hex digits)");
          } else if (c == ';' || c == ' ' || c == '\t') {
            chunkState = C_EXT;
            extState = HttpSyntax.chunkExtNext(HttpSyntax.EXT_START, c);
          } else if (c == '\r') {
            chunkState = C_SIZE_LF;
          } else {
            throw new ProtocolException("invalid chunk size line");
          }
          break;
        }
        case C_EXT:
          if (c == '\r') {
            if (!HttpSyntax.chunkExtComplete(extState)) {
              throw new ProtocolException("malformed chunk extension (expected: ;name[=token|quoted-string])");
            }
            chunkState = C_SIZE_LF;
          } else if ((extState = HttpSyntax.chunkExtNext(extState, c)) == HttpSyntax.EXT_INVALID) {
            throw new ProtocolException(c < 0x20 && c != '\t' || c == 0x7f ? "chunk extension has a control character"
                : "malformed chunk extension (expected: ;name[=token|quoted-string])");
          } else if (++lineLength > Http1.MAX_CHUNK_LINE) {
            throw new ProtocolException("chunk size line is too long");
          }
          break;
        case C_SIZE_LF:
          if (c != '\n') {
            throw new ProtocolException("chunk size line has a bare CR");
          }
          chunkState = remaining == 0 ? C_TRAILER_START : C_DATA;
          break;
        case C_DATA_CR:
          if (c != '\r') {
            throw new ProtocolException("chunk data not followed by CRLF");
          }
          chunkState = C_DATA_LF;
          break;
        case C_DATA_LF:
          if (c != '\n') {
            throw new ProtocolException("chunk data not followed by CRLF");
          }
          chunkState = C_SIZE;
          chunkDigits = 0;
          lineLength = 0;
          remaining = 0;
          break;
        case C_TRAILER_START:
          if (c == '\r') {
            chunkState = C_END_LF;
          } else if (c == '\n' || c == 0 || c == ' ' || c == '\t') {
            throw new ProtocolException("invalid trailer line");
          } else {
            chunkState = C_TRAILER_LINE;
          }
          break;
        case C_TRAILER_LINE:
          if (c == '\r') {
            chunkState = C_TRAILER_LF;
          } else if (c == '\n' || c == 0) {
            throw new ProtocolException("trailer has a bare LF or NUL");
          }
          break;
        case C_TRAILER_LF:
          if (c != '\n') {
            throw new ProtocolException("trailer has a bare CR");
          }
          chunkState = C_TRAILER_START;
          break;
        case C_END_LF:
          if (c != '\n') {
            throw new ProtocolException("chunked body not ended by CRLF");
          }
          bodyDone = true;
          break;
        default:
          throw new IllegalStateException("chunk state " + chunkState);
      }
      if (chunkState >= C_TRAILER_START && ++trailerBytes > Http1.MAX_TRAILERS) {
        throw new ProtocolException("trailers are larger than " + Http1.MAX_TRAILERS + " bytes");
      }
    }
    in.position(p);
    return more != null ? more : first != null ? List.of(first) : null;
  }

  /** The body is fully read: pool or close the connection, then tell the subscriber. */
  private void finish() {
    Exchange ex = detach();
    boolean reuse = keepAlive && !bodyCut && framing != TO_EOF && !in.hasRemaining() && !eof
        && (ex.body == null || ex.bodySent);
    if (reuse) {
      // stays registered for reads while pooled, so a close by the upstream is seen at once (and
      // no interest change per request)
      setInterest(SelectionKey.OP_READ);
      client.release(this);
    } else {
      close();
    }
    ex.complete();
  }

  private Exchange detach() {
    Exchange ex = x;
    x = null;
    client.busy.remove(this);
    return ex;
  }

  /** An I/O error on read or write: a dead pooled connection, or a real failure. */
  private void failIo(IOException e) {
    if (phase == HEAD && !received) {
      closedBeforeHead(e);
    } else {
      fail(e);
    }
  }

  /** EOF or reset before a complete head: retry once if the pooled connection was stale. */
  private void closedBeforeHead(IOException cause) {
    Exchange ex = x;
    if (ex.reused && !received && !ex.retried && ex.idempotent && !client.isClosed()
        && (ex.body == null || (ex.bodyRead == 0 && !ex.bodyReading && ex.bodyOut == null))) {
      close();
      detach();
      ex.retried = true;
      ex.reused = false;
      ex.bodyStarted = false;
      ex.request.position(0);
      client.connect(ex);
      return;
    }
    if (cause != null && !(ex.reused && !received)) {
      fail(cause);
      return;
    }
    fail(new UpstreamClosedException(ex.reused && !received
        ? "upstream closed a reused connection before answering"
        : "upstream closed the connection before answering", cause));
  }

  /** Ends the exchange with {@code t} and closes the connection. */
  void fail(Throwable t) {
    close();
    Exchange ex = detach();
    if (ex != null) {
      ex.fail(t);
    }
  }

  /** The subscriber cancelled: close, and end the future without telling the subscriber. */
  void cancelled() {
    close();
    Exchange ex = detach();
    if (ex != null && !ex.done) {
      ex.done = true;
      ex.future.completeExceptionally(new IOException("response body cancelled"));
    }
  }

  void close() {
    if (!closed) {
      closed = true;
      client.open.decrementAndGet();
      try {
        ch.close();
      } catch (IOException ignored) {
        // irrelevant: the channel is dropped either way and its exchange already told how it ended
      }
    }
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * What the body handler is told: the status and the header fields as received; the
   * {@link HttpHeaders} view is built only when asked for.
   */
  static final class Info implements HttpResponse.ResponseInfo, HeaderFields {
    private final int status;
    private final String[] fields;
    private final int count;
    private HttpHeaders headers;

    Info(int status, String[] fields, int count) {
      this.status = status;
      this.fields = fields;
      this.count = count;
    }

    @Override
    public int fieldCount() {
      return count;
    }

    @Override
    public String fieldName(int i) {
      Objects.checkIndex(i, count);
      return fields[2 * i];
    }

    @Override
    public String fieldValue(int i) {
      Objects.checkIndex(i, count);
      return fields[2 * i + 1];
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpHeaders headers() {
      if (headers == null) {
        TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < count; i++) {
          map.computeIfAbsent(fields[2 * i], n -> new ArrayList<>(1)).add(fields[2 * i + 1]);
        }
        headers = HttpHeaders.of(map, (n, v) -> true);
      }
      return headers;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
