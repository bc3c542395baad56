package io.github.regionalrouter.internal.upstream;

import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.loop.LoopBody;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One request and its response: the caller's future and body handler, and, once the head is in,
 * the subscription the body subscriber requests from. Apart from {@link #request} and
 * {@link #cancel}, used on the selector thread only (or by the caller before hand-off).
 */
final class Exchange implements Flow.Subscription {
  private static final AtomicLongFieldUpdater<Exchange> DEMAND =
      AtomicLongFieldUpdater.newUpdater(Exchange.class, "demand");
  private static final AtomicIntegerFieldUpdater<Exchange> PAUSED =
      AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "paused");

  final UpstreamClient client;
  final Endpoint endpoint;
  final boolean head; // a HEAD request: the response has no body
  final boolean idempotent;
  final ByteBuffer request;
  final HttpResponse.BodyHandler<Void> handler;
  final CompletableFuture<Void> future;
  final long connectTimeoutNanos;
  final long deadline; // System.nanoTime() by which the response head must be in

  /** The most request-body bytes read ahead of the connection: one chunk per exchange. */
  static final int BODY_CHUNK = 16 * 1024;
  private static final int CHUNK_HEAD = 8; // room for "4000\r\n" before the data
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

  // the request body: read on the client's executor (or, for a LoopBody of this client's loop, on
  // the selector thread without blocking), written on the selector thread
  final InputStream body; // null: none
  final LoopBody loopBody; // the body, when it lives on this client's loop; else null
  final long bodyLength; // -1: unknown, sent chunked
  boolean bodyStarted; // the first read was asked for (selector)
  boolean bodyReading; // a read runs on the executor (selector)
  boolean bodySent; // every byte and the framing's end are written (selector)
  boolean bodyStopped; // an early answer or a failure: no more is read or written (selector)
  ByteBuffer bodyOut; // the chunk being written (selector)
  long bodyRead; // bytes read from the stream (executor, then selector after the hand-back)
  private byte[] bodyBuf;

  boolean reused; // the current attempt is on a pooled connection
  boolean retried; // the one retry after a dead pooled connection was made
  Conn conn; // serving this exchange once the head is in
  HttpResponse.BodySubscriber<Void> subscriber;
  boolean done; // completed, failed or cancelled (selector thread)
  volatile long demand;
  volatile int paused; // 1: the selector stopped for lack of demand and waits for request()

  Exchange(UpstreamClient client, Endpoint endpoint, String method, ByteBuffer request,
      HttpResponse.BodyHandler<Void> handler, CompletableFuture<Void> future, long connectTimeoutNanos, long deadline) {
    this(client, endpoint, method, request, null, 0, handler, future, connectTimeoutNanos, deadline);
  }

  Exchange(UpstreamClient client, Endpoint endpoint, String method, ByteBuffer request, InputStream body,
      long bodyLength, HttpResponse.BodyHandler<Void> handler, CompletableFuture<Void> future,
      long connectTimeoutNanos, long deadline) {
    this.body = body;
    this.loopBody = body instanceof LoopBody && ((LoopBody) body).loop() == client.loop() ? (LoopBody) body : null;
    this.bodyLength = bodyLength;
    this.client = client;
    this.endpoint = endpoint;
    this.head = method.equals("HEAD");
    this.idempotent = UpstreamClient.isIdempotent(method);
    this.request = request;
    this.handler = handler;
    this.future = future;
    this.connectTimeoutNanos = connectTimeoutNanos;
    this.deadline = deadline;
  }

  /**
   * Reads the next chunk of the request body on the executor (blocking), framed for the wire, and
   * hands it to {@code c} on the selector thread. One read at a time, started by the selector.
   */
  void readBody(Conn c) {
    bodyReading = true;
    if (loopBody != null) {
      readBodyOnLoop(c);
      return;
    }
    try {
      client.bodyExecutor().execute(() -> {
        ByteBuffer out = null;
        IOException err = null;
        try {
          out = readChunk();
        } catch (IOException e) {
          err = e;
        } catch (RuntimeException e) {
          err = new IOException("request body: " + e, e);
        }
        ByteBuffer o = out;
        IOException f = err;
        client.execute(() -> c.onBodyRead(this, o, f));
      });
    } catch (RuntimeException e) {
      bodyReading = false;
      c.onBodyRead(this, null, new IOException("request body: the executor refused the read", e));
    }
  }

  /**
   * Reads the next chunk of a {@link LoopBody} on the selector thread, without blocking; when none
   * has come, again once it has. The chunk goes to {@code c} as a task of the loop, not by a nested
   * call, so a body that keeps coming never deepens the stack.
   */
  private void readBodyOnLoop(Conn c) {
    ByteBuffer out;
    IOException err = null;
    try {
      out = readChunk();
    } catch (IOException e) {
      out = null;
      err = e;
    } catch (RuntimeException e) {
      out = null;
      err = new IOException("request body: " + e, e);
    }
    if (out == null && err == null) {
      loopBody.whenReadable(() -> readBodyOnLoop(c));
      return;
    }
    ByteBuffer o = out;
    IOException f = err;
    client.execute(() -> c.onBodyRead(this, o, f));
  }

  /**
   * The next framed chunk: data (and its chunk framing), or the last chunk; empty if nothing is
   * left; null when a {@link LoopBody} has no byte yet.
   */
  private ByteBuffer readChunk() throws IOException {
    boolean chunked = bodyLength < 0;
    if (bodyBuf == null) {
      bodyBuf = new byte[chunked ? CHUNK_HEAD + BODY_CHUNK + 2 : (int) Math.min(BODY_CHUNK, bodyLength)];
    }
    byte[] b = bodyBuf;
    int off = chunked ? CHUNK_HEAD : 0;
    int want = chunked ? BODY_CHUNK : (int) Math.min(b.length, bodyLength - bodyRead);
    if (want == 0) {
      return ByteBuffer.allocate(0);
    }
    int n;
    if (loopBody != null) {
      n = loopBody.readNow(b, off, want);
      if (n == 0) {
        return null;
      }
    } else {
      do {
        n = body.read(b, off, want);
      } while (n == 0);
    }
    if (n < 0) {
      if (!chunked) {
        throw new EOFException("request body ended after " + bodyRead + " of " + bodyLength + " bytes");
      }
      return ByteBuffer.wrap(LAST_CHUNK);
    }
    bodyRead += n;
    if (!chunked) {
      return ByteBuffer.wrap(b, 0, n);
    }
    String size = Integer.toHexString(n);
    int start = CHUNK_HEAD - size.length() - 2;
    for (int i = 0; i < size.length(); i++) {
      b[start + i] = (byte) size.charAt(i);
    }
    b[CHUNK_HEAD - 2] = '\r';
    b[CHUNK_HEAD - 1] = '\n';
    b[CHUNK_HEAD + n] = '\r';
    b[CHUNK_HEAD + n + 1] = '\n';
    return ByteBuffer.wrap(b, start, CHUNK_HEAD + n + 2 - start);
  }

  /** Whether {@code out} (just written) ended the body. */
  boolean isLast(ByteBuffer out) {
    return bodyLength < 0 ? out.array() == LAST_CHUNK : bodyRead == bodyLength;
  }

  /** Uses one unit of demand; only the selector thread takes, so check-then-take is safe. */
  void used() {
    if (demand != Long.MAX_VALUE) {
      DEMAND.decrementAndGet(this);
    }
  }

  /**
   * Marks the exchange as waiting for demand; false if demand arrived meanwhile (then go on).
   * Selector thread.
   */
  boolean pause() {
    paused = 1;
    if (demand > 0 && PAUSED.compareAndSet(this, 1, 0)) {
      return false;
    }
    return true;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      client.execute(() -> {
        Conn c = conn;
        if (c != null && c.x == this) {
          c.fail(new IllegalArgumentException("request(" + n + ") (expected: > 0)"));
        }
      });
      return;
    }
    for (;;) {
      long d = demand;
      long next = d + n < 0 ? Long.MAX_VALUE : d + n;
      if (DEMAND.compareAndSet(this, d, next)) {
        break;
      }
    }
    if (paused == 1 && PAUSED.compareAndSet(this, 1, 0)) {
      client.execute(() -> {
        Conn c = conn;
        if (c != null && c.x == this) {
          c.drive();
        }
      });
    }
  }

  @Override
  public void cancel() {
    client.execute(() -> {
      Conn c = conn;
      if (c != null && c.x == this) {
        c.cancelled();
      }
    });
  }

  /** Delivers a chunk of body. Selector thread. */
  void next(List<ByteBuffer> items) {
    subscriber.onNext(items);
  }

  /** Ends the exchange with {@code t}, telling the subscriber if there is one. Selector thread. */
  void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    if (subscriber != null) {
      try {
        subscriber.onError(t);
      } catch (RuntimeException e) {
        // the future still says what happened; the subscriber's bug must not stay silent
        org.slf4j.LoggerFactory.getLogger(Exchange.class).warn("response subscriber threw in onError", e);
      }
    }
    future.completeExceptionally(t);
  }

  /** Ends the exchange normally. Selector thread. */
  void complete() {
    if (done) {
      return;
    }
    done = true;
    try {
      subscriber.onComplete();
    } catch (RuntimeException e) {
      // the future still completes; the subscriber's bug must not stay silent
      org.slf4j.LoggerFactory.getLogger(Exchange.class).warn("response subscriber threw in onComplete", e);
    }
    future.complete(null);
  }
}
