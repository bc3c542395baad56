package io.github.regionalrouter.jdkserver.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The buffered input side of one connection. One reader at a time: the connection's task while it
 * reads a head, the body stream's reader while a body is read. Every read has a timeout: a deadline
 * for heads, an idle time for bodies.
 */
final class Http1Input {
  private final Socket socket;
  private final InputStream in;
  byte[] buf;
  int pos;
  int lim;

  Http1Input(Socket socket, int size) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.buf = new byte[size];
  }

  boolean hasBuffered() {
    return pos < lim;
  }

  /**
   * Reads once from the socket into the buffer (after the buffered bytes, compacting or growing as
   * needed so that {@code need} more bytes fit). Returns the count read, or -1 at end of stream.
   */
  int fill(int timeoutMillis, int need) throws IOException {
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
    socket.setSoTimeout(timeoutMillis);
    int n = in.read(buf, lim, buf.length - lim);
    if (n > 0) {
      lim += n;
    }
    return n;
  }

  /**
   * Finds the next LF at or after {@code pos}, reading more as needed, and returns its index.
   * Returns -1 if {@code maxLen} bytes arrive without one.
   *
   * @param deadlineNanos a {@link System#nanoTime} deadline, or 0 to use {@code idleNanos} per read
   * @throws EOFException if the stream ends first
   * @throws SocketTimeoutException if the deadline passes or the connection idles too long
   */
  int findLineEnd(int maxLen, long deadlineNanos, long idleNanos) throws IOException {
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
      int timeout;
      if (deadlineNanos != 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("request head not complete within the header timeout");
        }
        timeout = Limits.millis(left);
      } else {
        timeout = Limits.millis(idleNanos);
      }
      // fill may move the buffered bytes; scanned stays relative to pos
      if (fill(timeout, Math.min(maxLen, 16 * 1024)) < 0) {
        throw new EOFException("connection closed in the middle of a line");
      }
    }
  }

  /** Reads body bytes with an idle timeout; -1 at end of stream. */
  int read(byte[] b, int off, int len, int idleMillis) throws IOException {
    if (pos == lim) {
      if (len >= buf.length) {
        socket.setSoTimeout(idleMillis);
        return in.read(b, off, len);
      }
      if (fill(idleMillis, 1) < 0) {
        return -1;
      }
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Discards up to {@code n} buffered bytes, reading if none are buffered; -1 at end of stream. */
  long skip(long n, int idleMillis) throws IOException {
    if (pos == lim && fill(idleMillis, 1) < 0) {
      return -1;
    }
    int k = (int) Math.min(n, lim - pos);
    pos += k;
    return k;
  }
}
