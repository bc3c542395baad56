package io.github.regionalrouter.jdkserver.http1;

/** The limits a server enforces on every connection; times in nanoseconds. */
record Limits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaders, long headerTimeoutNanos,
    long bodyIdleTimeoutNanos, long keepAliveIdleTimeoutNanos, long writeTimeoutNanos) {

  /** The longest chunk-size line (size plus extensions) accepted in a chunked body. */
  static final int MAX_CHUNK_LINE_BYTES = 4096;

  /** The most bytes of an unread request body discarded to keep the connection open. */
  static final int BODY_DRAIN_LIMIT = 64 * 1024;

  /** How long a closing connection keeps discarding what the client still sends (lingering close). */
  static final long LINGER_NANOS = 2_000_000_000L;

  /** The most bytes a closing connection discards before it closes anyway. */
  static final long LINGER_BYTES = 8L * 1024 * 1024;

  /** How often the server's timer looks for reads past their deadline: a tenth of the shortest timeout, 10-100 ms. */
  long timerTickNanos() {
    long shortest = Math.min(Math.min(headerTimeoutNanos, writeTimeoutNanos),
        Math.min(bodyIdleTimeoutNanos, keepAliveIdleTimeoutNanos));
    return Math.max(10_000_000L, Math.min(100_000_000L, shortest / 10));
  }
}
