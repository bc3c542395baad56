package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.http.HttpSyntax;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A request body de-framed from the connection: a fixed length or chunked (RFC 9112 7.1). Ends
 * with -1 exactly at the body's end. Any framing error, early end of stream or idle timeout
 * throws an {@link IOException}, and every later read throws it again: the connection is closed
 * and the body is never mistaken for complete. Trailer fields are read, bounded and discarded.
 */
final class BodyInputStream extends InputStream {
  private final Http1Exchange exchange;
  private final Http1Input in;
  private final Limits limits;
  private final boolean chunked;
  private final long idleNanos;
  /** Bytes left in the body (fixed) or in the current chunk (chunked). */
  private long remaining;
  private volatile boolean eof;
  private boolean started;
  private volatile IOException failure;
  private long total;

  BodyInputStream(Http1Exchange exchange, Http1Input in, Limits limits, boolean chunked, long length) {
    this.exchange = exchange;
    this.in = in;
    this.limits = limits;
    this.chunked = chunked;
    this.remaining = chunked ? 0 : length;
    this.idleNanos = limits.bodyIdleTimeoutNanos();
    this.eof = !chunked && length == 0;
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
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
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
    try {
      if (remaining == 0) {
        // chunked only: a fixed body with nothing left is at eof
        if (total > 0) {
          crlf();
        }
        nextChunk();
        if (eof) {
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, remaining), idleNanos);
      if (n < 0) {
        throw new EOFException("client closed the connection after " + total + " request body bytes");
      }
      remaining -= n;
      total += n;
      if (remaining == 0 && !chunked) {
        eof = true;
      }
      return n;
    } catch (SocketTimeoutException e) {
      throw fail(new SocketTimeoutException("no request body byte for " + idleNanos / 1_000_000 + " ms"), false);
    } catch (IOException e) {
      throw fail(e, false);
    } catch (RejectedRequestException e) {
      throw fail(new IOException("malformed chunked request body: " + e.getMessage()), true);
    }
  }

  @Override
  public int available() {
    return eof || failure != null ? 0 : (int) Math.min(remaining, Math.max(0, in.lim - in.pos));
  }

  /** Reads and discards the rest of the body if it is at most {@code limit} bytes; true if it was. */
  synchronized boolean drain(long limit) {
    if (failure != null) {
      return false;
    }
    if (!chunked && remaining > limit) {
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

  private IOException fail(IOException e, boolean malformed) {
    failure = e;
    exchange.bodyFailed(e, malformed);
    return e;
  }

  /** Reads a chunk-size line; at the last chunk, the trailer section too. */
  private void nextChunk() throws IOException, RejectedRequestException {
    int lf = in.findLineEnd(Limits.MAX_CHUNK_LINE_BYTES, 0, limits.bodyIdleTimeoutNanos());
    if (lf < 0) {
      throw new RejectedRequestException(400, "chunk-size line longer than " + Limits.MAX_CHUNK_LINE_BYTES + " bytes");
    }
    byte[] b = in.buf;
    int start = in.pos;
    if (lf == start || b[lf - 1] != '\r') {
      throw new RejectedRequestException(400, "chunk-size line not ended by CRLF");
    }
    int end = lf - 1;
    long size = 0;
    int i = start;
    for (; i < end; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        break;
      }
      if (i - start >= 16 || (size >>> 59) != 0) {
        throw new RejectedRequestException(400, "chunk size too large");
      }
      size = size << 4 | d;
    }
    if (i == start) {
      throw new RejectedRequestException(400, "invalid chunk size");
    }
    // chunk-ext (RFC 9112 7.1.1): checked, then ignored
    if (i < end) {
      int ext = HttpSyntax.EXT_START;
      for (int j = i; j < end && ext != HttpSyntax.EXT_INVALID; j++) {
        ext = HttpSyntax.chunkExtNext(ext, b[j]);
      }
      if (!HttpSyntax.chunkExtComplete(ext)) {
        throw new RejectedRequestException(400, "malformed chunk extension (expected: ;name[=token|quoted-string])");
      }
    }
    in.pos = lf + 1;
    if (size > 0) {
      remaining = size;
      return;
    }
    int budget = limits.maxHeaderBytes();
    int fields = 0;
    while (true) {
      lf = in.findLineEnd(budget + 2, 0, limits.bodyIdleTimeoutNanos());
      if (lf < 0) {
        throw new RejectedRequestException(400, "trailer section too large");
      }
      start = in.pos;
      b = in.buf;
      if (lf == start || b[lf - 1] != '\r') {
        throw new RejectedRequestException(400, "trailer line not ended by CRLF");
      }
      in.pos = lf + 1;
      if (lf - 1 == start) {
        eof = true;
        return;
      }
      budget -= lf + 1 - start;
      if (budget < 0 || ++fields > limits.maxHeaders()) {
        throw new RejectedRequestException(400, "trailer section too large");
      }
      for (int k = start; k < lf - 1; k++) {
        int c = b[k] & 0xff;
        if (c < 0x20 && c != '\t' || c == 0x7f) {
          throw new RejectedRequestException(400, "control character in a trailer field");
        }
      }
    }
  }

  /** The CRLF after a chunk's data. */
  private void crlf() throws IOException, RejectedRequestException {
    int lf = in.findLineEnd(2, 0, limits.bodyIdleTimeoutNanos());
    if (lf != in.pos + 1 || in.buf[in.pos] != '\r') {
      throw new RejectedRequestException(400, "chunk data not followed by CRLF");
    }
    in.pos = lf + 1;
  }
}
