package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The socket writes of a connection on an event loop: the channel is non-blocking, so a write
 * never waits in the kernel. What the client's socket cannot take at once is kept here and
 * written by the loop when the socket is writable again. A loop thread (which must not block)
 * leaves it at that; any other thread waits, at most the write timeout, until the loop has
 * written it. So bytes go out in the order they were written, and the loop never blocks on a
 * client that does not read.
 */
final class LoopWriter {
  private final Http1Connection conn;
  private final SocketChannel ch;
  private final SelectorLoop loop;
  /** Bytes written but not yet taken by the socket; null when none. Written under this. */
  private volatile ByteBuffer pending;
  private long pendingDeadline;
  /** The write timeout: the longest the client may take no byte of {@link #pending}. */
  private long timeoutNanos;
  private boolean closed;
  /** Run on the loop once {@link #pending} is all written. Guarded by this. */
  private Runnable whenFlushed;

  LoopWriter(Http1Connection conn, SocketChannel ch, SelectorLoop loop) {
    this.conn = conn;
    this.ch = ch;
    this.loop = loop;
  }

  /** Whether everything written so far has reached the socket. */
  boolean flushed() {
    return pending == null;
  }

  /** Writes, without ever blocking a loop thread; other threads wait for room within {@code timeoutNanos}. */
  void write(byte[] b, int off, int len, long timeoutNanos) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b, off, len);
    boolean mayWait = !SelectorLoop.inLoopThread();
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (this) {
      if (closed) {
        throw new IOException("connection closed");
      }
      if (pending != null) {
        if (!mayWait) {
          append(bb);
          return;
        }
        awaitFlushed(deadline);
      }
      while (bb.hasRemaining()) {
        if (ch.write(bb) == 0) {
          ByteBuffer rest = ByteBuffer.allocate(Math.max(bb.remaining(), 4096));
          rest.put(bb).flip();
          pending = rest;
          pendingDeadline = deadline;
          this.timeoutNanos = timeoutNanos;
          armWrite();
          if (mayWait) {
            awaitFlushed(deadline);
          }
          return;
        }
      }
    }
  }

  private void append(ByteBuffer bb) {
    if (pending.capacity() - pending.limit() < bb.remaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.remaining() + bb.remaining()));
      bigger.put(pending).flip();
      pending = bigger;
    }
    int p = pending.position();
    pending.position(pending.limit()).limit(pending.limit() + bb.remaining());
    pending.put(bb);
    pending.position(p);
  }

  private void awaitFlushed(long deadline) throws IOException {
    boolean interrupted = false;
    try {
      while (pending != null) {
        if (closed) {
          throw new IOException("connection closed");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("client read nothing for the write timeout");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void armWrite() {
    if (loop.inLoop()) {
      conn.interest(SelectionKey.OP_WRITE, true);
    } else {
      loop.execute(() -> conn.interest(SelectionKey.OP_WRITE, true));
    }
  }

  /** The socket is writable again. Loop thread. */
  void onWritable() {
    Runnable then;
    synchronized (this) {
      if (pending == null) {
        conn.interest(SelectionKey.OP_WRITE, false);
        return;
      }
      try {
        if (ch.write(pending) > 0) {
          pendingDeadline = System.nanoTime() + timeoutNanos; // the client reads: slowly is not idle
        }
      } catch (IOException e) {
        pending = null;
        closed = true;
        notifyAll();
        conn.abort();
        return;
      }
      if (pending.hasRemaining()) {
        return;
      }
      pending = null;
      conn.interest(SelectionKey.OP_WRITE, false);
      notifyAll();
      then = whenFlushed;
      whenFlushed = null;
    }
    if (then != null) {
      then.run();
    }
  }

  /**
   * Runs {@code action} (on the loop) once everything written has reached the socket: now if it
   * has, else when the loop has written the rest (or the connection closed). Loop thread.
   */
  void whenFlushed(Runnable action) {
    if (!whenWritten(action)) {
      action.run();
    }
  }

  /**
   * With bytes the socket has not taken: runs {@code action} on the loop once they are out, or
   * once the connection closed, and returns true. Else false, and nothing is run. Any thread.
   */
  synchronized boolean whenWritten(Runnable action) {
    if (pending == null || closed) {
      return false;
    }
    Runnable before = whenFlushed;
    whenFlushed = before == null ? action : () -> {
      before.run();
      action.run();
    };
    return true;
  }

  /** Called by the server's timer: true if bytes have waited for the client past the write timeout. */
  synchronized boolean expired(long now) {
    return pending != null && now - pendingDeadline >= 0;
  }

  /**
   * The connection closed: writers waiting give up, and what waited for the bytes to go out runs
   * now (on the loop), to find the connection closed.
   */
  void closed() {
    Runnable then;
    synchronized (this) {
      closed = true;
      pending = null;
      then = whenFlushed;
      whenFlushed = null;
      notifyAll();
    }
    if (then != null) {
      if (loop.inLoop()) {
        then.run();
      } else {
        loop.execute(then);
      }
    }
  }
}
