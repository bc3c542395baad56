package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.http.HttpSyntax;

/**
 * The request body's framing, decoded: a fixed length or chunked (RFC 9112 §7.1). Pure codec, no
 * I/O: {@link #decode} takes what is buffered and says when it needs more, so the same decoder
 * serves a blocking reader (which then fills the buffer and calls again) and an event loop (which
 * waits for the socket). A line cut across reads is resumed, not scanned again. Chunk extensions
 * are checked and ignored; trailer fields are checked, bounded like the header section, and
 * discarded.
 */
final class BodyDecoder {
  private enum State { DATA, SIZE_LINE, DATA_CRLF, TRAILER_LINE, END }

  private final int maxTrailerFields;
  private final boolean chunked;
  private State state;
  /** Bytes left in the body (fixed) or in the current chunk (chunked). */
  private long remaining;
  /** How far the line in progress has been searched for its LF, from the buffer's position. */
  private int scanned;
  private int trailerBudget;
  private int trailerFields;
  private long total;

  BodyDecoder(Limits limits, boolean chunked, long length) {
    this(limits.maxHeaderBytes(), limits.maxHeaders(), chunked, length);
  }

  BodyDecoder(int maxTrailerBytes, int maxTrailerFields, boolean chunked, long length) {
    this.maxTrailerFields = maxTrailerFields;
    this.chunked = chunked;
    this.trailerBudget = maxTrailerBytes;
    if (chunked) {
      state = State.SIZE_LINE;
    } else {
      remaining = length;
      state = length == 0 ? State.END : State.DATA;
    }
  }

  /** Whether the body's end has been decoded. */
  boolean atEnd() {
    return state == State.END;
  }

  /** Body bytes decoded so far. */
  long total() {
    return total;
  }

  /**
   * Decodes from {@code in}'s buffered bytes (advancing its position) into {@code b}.
   *
   * @return the count of body bytes copied ({@code > 0}); {@code 0} when the buffer holds no more
   *     of the body (read more, then call again); {@code -1} at the body's end
   * @throws RejectedRequestException if the framing is malformed (a 400 reason)
   */
  int decode(Http1Input in, byte[] b, int off, int len) throws RejectedRequestException {
    while (true) {
      switch (state) {
        case END:
          return -1;
        case DATA: {
          int n = (int) Math.min(Math.min(len, remaining), in.lim - in.pos);
          if (n <= 0) {
            return 0;
          }
          System.arraycopy(in.buf, in.pos, b, off, n);
          in.pos += n;
          remaining -= n;
          total += n;
          if (remaining == 0) {
            state = chunked ? State.DATA_CRLF : State.END;
          }
          return n;
        }
        case DATA_CRLF: {
          if (in.lim - in.pos < 2) {
            if (in.pos < in.lim && in.buf[in.pos] != '\r') {
              throw new RejectedRequestException(400, "chunk data not followed by CRLF");
            }
            return 0;
          }
          if (in.buf[in.pos] != '\r' || in.buf[in.pos + 1] != '\n') {
            throw new RejectedRequestException(400, "chunk data not followed by CRLF");
          }
          in.pos += 2;
          state = State.SIZE_LINE;
          break;
        }
        case SIZE_LINE: {
          int lf = lineEnd(in, Limits.MAX_CHUNK_LINE_BYTES, "chunk-size line longer than "
              + Limits.MAX_CHUNK_LINE_BYTES + " bytes");
          if (lf < 0) {
            return 0;
          }
          sizeLine(in, lf);
          break;
        }
        case TRAILER_LINE: {
          int lf = lineEnd(in, trailerBudget + 2, "trailer section too large");
          if (lf < 0) {
            return 0;
          }
          trailerLine(in, lf);
          break;
        }
        default:
          throw new AssertionError(state);
      }
    }
  }

  /**
   * The index of the LF ending the line at {@code in.pos}, or -1 if it has not come yet; bytes
   * searched before are not searched again.
   */
  private int lineEnd(Http1Input in, int maxLen, String tooLong) throws RejectedRequestException {
    int end = Math.min(in.lim, in.pos + maxLen);
    for (int i = in.pos + scanned; i < end; i++) {
      if (in.buf[i] == '\n') {
        scanned = 0;
        return i;
      }
    }
    scanned = end - in.pos;
    if (scanned >= maxLen) {
      throw new RejectedRequestException(400, tooLong);
    }
    return -1;
  }

  private void sizeLine(Http1Input in, int lf) throws RejectedRequestException {
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
      state = State.DATA;
    } else {
      state = State.TRAILER_LINE;
    }
  }

  private void trailerLine(Http1Input in, int lf) throws RejectedRequestException {
    byte[] b = in.buf;
    int start = in.pos;
    if (lf == start || b[lf - 1] != '\r') {
      throw new RejectedRequestException(400, "trailer line not ended by CRLF");
    }
    in.pos = lf + 1;
    if (lf - 1 == start) {
      state = State.END;
      return;
    }
    trailerBudget -= lf + 1 - start;
    if (trailerBudget < 0 || ++trailerFields > maxTrailerFields) {
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
