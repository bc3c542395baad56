package io.github.regionalrouter.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code "server"} object: limits of the server adapters (the standalone proxy, the servlet),
 * kept here for them to apply. Immutable.
 *
 * <pre>{@code
 * "server": {"maxHeaderBytes": 65536, "maxHeaders": 100, "headerTimeout": "30s",
 *            "bodyIdleTimeout": "30s", "drainTimeout": "10s", "maxRequestTime": "5m",
 *            "engine": "http1"}
 * }</pre>
 */
public final class ServerLimits {
  /** The values {@code engine} may take. */
  static final List<String> ENGINES = List.of("http1", "jdk");

  private static final ServerLimits DEFAULTS =
      new ServerLimits(65536, 100, Duration.ofSeconds(30), Duration.ofSeconds(30),
          Duration.ofSeconds(10), null, "http1", 8192, Long.MAX_VALUE);

  private final int maxHeaderBytes;
  private final int maxHeaders;
  private final Duration headerTimeout;
  private final Duration bodyIdleTimeout;
  private final Duration drainTimeout;
  private final Duration maxRequestTime;
  private final String engine;
  private final int maxRequestLineBytes;
  private final long maxRequestBodyBytes;

  ServerLimits(int maxHeaderBytes, int maxHeaders, Duration headerTimeout,
      Duration bodyIdleTimeout, Duration drainTimeout, Duration maxRequestTime, String engine,
      int maxRequestLineBytes, long maxRequestBodyBytes) {
    this.maxRequestLineBytes = maxRequestLineBytes;
    this.maxRequestBodyBytes = maxRequestBodyBytes;
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxHeaders = maxHeaders;
    this.headerTimeout = headerTimeout;
    this.bodyIdleTimeout = bodyIdleTimeout;
    this.drainTimeout = drainTimeout;
    this.maxRequestTime = maxRequestTime;
    this.engine = engine;
  }

  /**
   * {@code maxRequestLineBytes}: the longest request line (method, target, version) the http1
   * engine reads before answering 414; 8192 unless set.
   */
  public int maxRequestLineBytes() {
    return maxRequestLineBytes;
  }

  /**
   * {@code maxRequestBodyBytes}: the largest request body forwarded, declared or chunked, before
   * answering 413; no limit unless set.
   */
  public long maxRequestBodyBytes() {
    return maxRequestBodyBytes;
  }

  /** The limits of a file without {@code "server"}: every default. */
  public static ServerLimits defaults() {
    return DEFAULTS;
  }

  /** {@code maxHeaderBytes}: the most bytes of request line and headers; 65536 unless set. */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** {@code maxHeaders}: the most request header fields; 100 unless set. */
  public int maxHeaders() {
    return maxHeaders;
  }

  /** {@code headerTimeout}: how long a client may take to send the headers; 30 s unless set. */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** {@code bodyIdleTimeout}: the longest pause inside a body, either way; 30 s unless set. */
  public Duration bodyIdleTimeout() {
    return bodyIdleTimeout;
  }

  /** {@code drainTimeout}: how long shutdown waits for requests in flight; 10 s unless set. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** {@code maxRequestTime}: the longest a whole exchange may take; no limit unless set. */
  public Optional<Duration> maxRequestTime() {
    return Optional.ofNullable(maxRequestTime);
  }

  /**
   * {@code engine}: the standalone proxy's HTTP server, {@code "http1"} (the strict engine) or
   * {@code "jdk"} ({@code com.sun.net.httpserver}); {@code "http1"} unless set.
   */
  public String engine() {
    return engine;
  }

  @Override
  public String toString() {
    return "ServerLimits[maxHeaderBytes=" + maxHeaderBytes + ", maxHeaders=" + maxHeaders
        + ", headerTimeout=" + headerTimeout + ", bodyIdleTimeout=" + bodyIdleTimeout
        + ", drainTimeout=" + drainTimeout + ", maxRequestTime=" + maxRequestTime + ", engine=" + engine + "]";
  }
}
