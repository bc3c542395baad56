package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.loop.LoopBody;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A request body read from its connection, de-framed by a {@link BodyDecoder}. Ends with -1 exactly
 * at the body's end. Any framing error, early end of stream or idle timeout throws an
 * {@link IOException}, and every later read throws it again: the connection is closed and the
 * body is never mistaken for complete.
 *
 * <p>How it is read follows the connection's I/O model. A blocking connection's body is read by
 * whoever calls {@link #read}. An event-loop connection's body is a {@link LoopBody}: the loop
 * reads it without blocking ({@link #readNow}, {@link #whenReadable}), which is how the fast lane
 * pumps it upstream on the same thread; a thread that is not the loop's may still {@link #read}
 * it, blocking, and the loop does the reads for it.
 */
final class BodyInputStream extends InputStream implements LoopBody {
  /** How much longer than the body idle timeout a reader off the loop waits before it gives up itself. */
  private static final long OFF_LOOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Http1Exchange exchange;
  private final Http1Connection conn;
  private final Http1Input in;
  private final BodyDecoder decoder;
  private final long idleNanos;
  private volatile boolean eof;
  private boolean started;
  private volatile IOException failure;

  BodyInputStream(Http1Exchange exchange, Http1Connection conn, boolean chunked, long length) {
    this.exchange = exchange;
    this.conn = conn;
    this.in = conn.input;
    this.decoder = new BodyDecoder(conn.limits(), chunked, length);
    this.idleNanos = conn.limits().bodyIdleTimeoutNanos();
    this.eof = decoder.atEnd();
  }

  boolean atEnd() {
    return eof;
  }

  boolean failed() {
    return failure != null;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (conn.onLoop) {
      return readThroughLoop(b, off, len);
    }
    synchronized (this) {
      int n = before(len);
      if (n <= 0) {
        return n;
      }
      try {
        while (true) {
          n = decode(b, off, len);
          if (n != 0) {
            return n;
          }
          if (in.fill(System.nanoTime() + idleNanos, 4096) < 0) {
            throw ended();
          }
        }
      } catch (SocketTimeoutException e) {
        throw fail(idle());
      } catch (IOException e) {
        throw fail(e);
      }
    }
  }

  @Override
  public int available() {
    return 0;
  }

  // ---- LoopBody: the event loop's side

  @Override
  public SelectorLoop loop() {
    return conn.onLoop ? conn.loop() : null;
  }

  @Override
  public int readNow(byte[] b, int off, int len) throws IOException {
    int n = before(len);
    if (n <= 0) {
      return n;
    }
    while (true) {
      n = decode(b, off, len);
      if (n != 0) {
        return n;
      }
      int r;
      try {
        r = in.readNow(conn.channel());
      } catch (IOException e) {
        throw fail(e);
      }
      if (r == 0) {
        return 0;
      }
      if (r < 0) {
        throw fail(ended());
      }
    }
  }

  @Override
  public void whenReadable(Runnable then) {
    if (eof || failure != null) {
      conn.loop().execute(then);
    } else {
      conn.awaitBody(then);
    }
  }

  /** The connection's loop saw no body byte for the body idle timeout. Loop thread. */
  void timedOut() {
    fail(idle());
  }

  /** Discards the rest of the body if it is at most {@code limit} bytes; true if it was. Blocking mode. */
  synchronized boolean drain(long limit) {
    if (failure != null) {
      return false;
    }
    byte[] scratch = new byte[8192];
    long left = limit;
    try {
      while (!eof) {
        int n = read(scratch, 0, (int) Math.min(scratch.length, Math.max(1, left)));
        if (n > 0) {
          left -= n;
          if (left < 0) {
            return false;
          }
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- shared

  /** Before a read: throws a failure again; -1 at the end, 0 for an empty read, 1 to go on. */
  private int before(int len) throws IOException {
    IOException f = failure;
    if (f != null) {
      throw new IOException(f.getMessage(), f);
    }
    if (eof) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (!started) {
      started = true;
      exchange.beforeFirstBodyRead();
    }
    return 1;
  }

  private int decode(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = decoder.decode(in, b, off, len);
    } catch (RejectedRequestException e) {
      throw fail(new IOException("malformed chunked request body: " + e.getMessage()), true);
    }
    if (decoder.atEnd()) {
      eof = true;
    }
    return n;
  }

  private EOFException ended() {
    return new EOFException("client closed the connection after " + decoder.total() + " request body bytes");
  }

  private SocketTimeoutException idle() {
    return new SocketTimeoutException("no request body byte for " + idleNanos / 1_000_000 + " ms");
  }

  private IOException fail(IOException e) {
    return fail(e, false);
  }

  /** Fails the body once (the first failure is the one every later read throws), closing the connection. */
  private IOException fail(IOException e, boolean malformed) {
    synchronized (decoder) {
      if (failure != null) {
        return failure;
      }
      failure = e;
    }
    exchange.bodyFailed(e, malformed);
    return e;
  }

  /**
   * A blocking read by a thread that is not the connection's loop: the loop reads for it (so the
   * channel and the buffer keep one owner), and it waits.
   */
  private int readThroughLoop(byte[] b, int off, int len) throws IOException {
    SelectorLoop loop = conn.loop();
    if (loop.inLoop()) {
      throw new IllegalStateException("blocking read of a request body on its event loop (the loop reads with readNow)");
    }
    LoopRead r = new LoopRead(b, off, len);
    loop.execute(r);
    return r.await();
  }

  /** One blocking read done by the loop for another thread. */
  private final class LoopRead implements Runnable {
    private final byte[] b;
    private final int off;
    private final int len;
    private int count = Integer.MIN_VALUE; // guarded by this
    private IOException error; // guarded by this
    private boolean abandoned; // guarded by this

    LoopRead(byte[] b, int off, int len) {
      this.b = b;
      this.off = off;
      this.len = len;
    }

    /** Loop thread: reads what has come, or waits for the socket without a thread. */
    @Override
    public synchronized void run() {
      if (abandoned) {
        return; // the reader gave up: its buffer is not ours to fill
      }
      try {
        int n = readNow(b, off, len);
        if (n == 0 && len > 0) {
          whenReadable(this);
          return;
        }
        count = n;
      } catch (IOException e) {
        error = e;
      } catch (RuntimeException e) {
        error = new IOException("request body: " + e, e);
      }
      notifyAll();
    }

    synchronized int await() throws IOException {
      // the loop fails the body after the idle timeout; the grace only guards against a lost wake-up
      long deadline = System.nanoTime() + idleNanos + OFF_LOOP_GRACE_NANOS;
      while (count == Integer.MIN_VALUE && error == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          abandoned = true;
          throw fail(idle());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          abandoned = true;
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading the request body");
        }
      }
      if (error != null) {
        throw new IOException(error.getMessage(), error);
      }
      return count;
    }
  }
}
