package io.github.regionalrouter.forward;

import java.io.InputStream;
import java.util.Objects;

/**
 * The body of an inbound request, as an adapter hands it to the {@link Forwarder}: a stream and its
 * declared length. The forwarder reads the stream on its own {@linkplain Forwarder.Builder#executor
 * executor}, chunk by chunk as the upstream connection takes them, so the body is never held whole
 * in memory; blocking reads are fine there. (The standalone server's bodies are read on their
 * event loop instead, without blocking.) The forwarder does not close the stream.
 */
public interface RequestBody {

  /**
   * The body's length: {@code 0} when the request has no body, {@code -1} when the length is not
   * known in advance (chunked), else the exact number of bytes the stream will give.
   *
   * @return the length in bytes, {@code 0}, or {@code -1} when unknown
   */
  long contentLength();

  /**
   * The body's bytes. Not called when {@link #contentLength()} is {@code 0}.
   *
   * @return the stream of the body's bytes
   */
  InputStream stream();

  /**
   * A request without a body.
   *
   * @return the empty body
   */
  static RequestBody empty() {
    return Bodies.EMPTY;
  }

  /**
   * A body read from {@code stream}.
   *
   * @param contentLength the exact length, or {@code -1} when unknown
   * @param stream the body's bytes; not null, not closed by the forwarder
   * @return a new body
   * @throws IllegalArgumentException if {@code contentLength} is below {@code -1}
   */
  static RequestBody of(InputStream stream, long contentLength) {
    Objects.requireNonNull(stream, "stream");
    if (contentLength < -1) {
      throw new IllegalArgumentException(
          "contentLength: " + contentLength + " (expected: -1 for unknown, or >= 0)");
    }
    return new Bodies.Of(stream, contentLength);
  }
}
