package io.github.regionalrouter.jdkserver.http1;

/** The limits a server enforces on every connection; times in nanoseconds. */
record Limits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaders, long headerTimeoutNanos,
    long bodyIdleTimeoutNanos, long keepAliveIdleTimeoutNanos) {

  /** The longest chunk-size line (size plus extensions) accepted in a chunked body. */
  static final int MAX_CHUNK_LINE_BYTES = 4096;

  /** The most bytes of an unread request body discarded to keep the connection open. */
  static final int BODY_DRAIN_LIMIT = 64 * 1024;

  static int millis(long nanos) {
    long ms = Math.max(1, (nanos + 999_999) / 1_000_000);
    return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
  }
}
