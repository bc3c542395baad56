package io.github.regionalrouter.jdkserver.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The buffered input side of one connection. One reader at a time: the connection's task while it
 * reads a head, the body stream's reader while a body is read.
 *
 * <p>Every socket read has a deadline, but reads are untimed: before blocking, the reader posts
 * its deadline here and the server's timer closes the connection once it passes (the read then
 * fails with a {@link SocketTimeoutException}). One timer for all connections is cheaper than a
 * timed read per request: a timed read costs an extra poll on JDK 17 and a timer task per park on
 * a virtual thread.
 */
final class Http1Input {
  private final Socket socket;
  private InputStream in; // blocking mode, obtained at the first blocking read
  byte[] buf;
  int pos;
  int lim;
  /** The deadline of the read in progress ({@link System#nanoTime}), 0 when none. */
  private volatile long readDeadline;
  private volatile boolean expired;
  private java.nio.ByteBuffer wrapped; // buf, for readNow

  Http1Input(Socket socket, int size) {
    this.socket = socket;
    this.buf = new byte[size];
  }

  boolean hasBuffered() {
    return pos < lim;
  }

  /** Called by the server's timer: true if a read is blocked past its deadline (the caller closes). */
  boolean expire(long now) {
    long d = readDeadline;
    if (d != 0 && now - d >= 0) {
      expired = true;
      return true;
    }
    return false;
  }

  private int readSocket(byte[] b, int off, int len, long deadline) throws IOException {
    if (deadline - System.nanoTime() <= 0) {
      throw new SocketTimeoutException("read timed out");
    }
    readDeadline = deadline == 0 ? 1 : deadline;
    try {
      InputStream s = in;
      if (s == null) {
        s = socket.getInputStream();
        in = s;
      }
      return s.read(b, off, len);
    } catch (IOException e) {
      if (expired) {
        throw new SocketTimeoutException("read timed out");
      }
      throw e;
    } finally {
      readDeadline = 0;
    }
  }

  /**
   * Reads once from the socket into the buffer (after the buffered bytes, compacting or growing as
   * needed so that {@code need} more bytes fit). Returns the count read, or -1 at end of stream.
   */
  int fill(long deadline, int need) throws IOException {
    makeRoom(need);
    int n = readSocket(buf, lim, buf.length - lim, deadline);
    if (n > 0) {
      lim += n;
    }
    return n;
  }

  /**
   * One non-blocking read from {@code ch} into the buffer (an event-loop connection's), after the
   * buffered bytes, making room as {@link #fill} does. Returns the count read (0 when nothing was
   * there), or -1 at end of stream.
   */
  int readNow(java.nio.channels.SocketChannel ch) throws IOException {
    makeRoom(4096);
    java.nio.ByteBuffer w = wrapped;
    if (w == null || w.array() != buf) {
      w = java.nio.ByteBuffer.wrap(buf);
      wrapped = w;
    }
    w.limit(buf.length).position(lim);
    int n = ch.read(w);
    if (n > 0) {
      lim += n;
    }
    return n;
  }

  /** Compacts or grows the buffer so that at least {@code need} more bytes fit once it is full. */
  private void makeRoom(int need) {
    if (pos == lim) {
      pos = 0;
      lim = 0;
    } else if (lim == buf.length) {
      int n = lim - pos;
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, n);
        pos = 0;
        lim = n;
      }
      if (lim + need > buf.length) {
        byte[] bigger = new byte[Math.max(buf.length * 2, lim + need)];
        System.arraycopy(buf, 0, bigger, 0, lim);
        buf = bigger;
      }
    }
  }

  /**
   * Finds the next LF at or after {@code pos}, reading more as needed, and returns its index.
   * Returns -1 if {@code maxLen} bytes arrive without one.
   *
   * @param deadline a {@link System#nanoTime} deadline for the whole line, or 0 to allow
   *     {@code idleNanos} per read
   * @throws EOFException if the stream ends first
   * @throws SocketTimeoutException if the deadline passes or the connection idles too long
   */
  int findLineEnd(int maxLen, long deadline, long idleNanos) throws IOException {
    int scanned = 0;
    while (true) {
      int end = Math.min(lim, pos + maxLen);
      for (int i = pos + scanned; i < end; i++) {
        if (buf[i] == '\n') {
          return i;
        }
      }
      scanned = end - pos;
      if (scanned >= maxLen) {
        return -1;
      }
      // fill may move the buffered bytes; scanned stays relative to pos
      long d = deadline != 0 ? deadline : System.nanoTime() + idleNanos;
      if (fill(d, Math.min(maxLen, 16 * 1024)) < 0) {
        throw new EOFException("connection closed in the middle of a line");
      }
    }
  }

  /** Reads body bytes, waiting at most {@code idleNanos} for some; -1 at end of stream. */
  int read(byte[] b, int off, int len, long idleNanos) throws IOException {
    if (pos == lim) {
      if (len >= buf.length) {
        return readSocket(b, off, len, System.nanoTime() + idleNanos);
      }
      if (fill(System.nanoTime() + idleNanos, 1) < 0) {
        return -1;
      }
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Discards up to {@code n} buffered bytes, reading if none are buffered; -1 at end of stream. */
  long skip(long n, long deadline) throws IOException {
    if (pos == lim && fill(deadline, 1) < 0) {
      return -1;
    }
    int k = (int) Math.min(n, lim - pos);
    pos += k;
    return k;
  }
}
