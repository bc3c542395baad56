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
 *            "engine": "http1", "eventLoops": 4}
 * }</pre>
 */
public final class ServerLimits {
  // Each server default is declared here once; the server builders, the config reader and the
  // README's "Limits and their defaults" table use these (a test compares the README with them).

  /** The default of {@code maxHeaderBytes}: {@value} bytes. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 65_536;
  /** The default of {@code maxHeaders}: {@value} header fields. */
  public static final int DEFAULT_MAX_HEADERS = 100;
  /** The default of {@code maxRequestLineBytes} (http1 engine only): {@value} bytes. */
  public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8192;
  /** The default of {@code headerTimeout} (http1 engine only): 30 seconds. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
  /** The default of {@code bodyIdleTimeout}: 30 seconds. */
  public static final Duration DEFAULT_BODY_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** The default of {@code drainTimeout}: 10 seconds. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /**
   * The default of the JDK engine's whole-request time limit ({@code maxRequestTime}, JDK engine
   * only): 30 seconds.
   */
  public static final Duration DEFAULT_MAX_REQUEST_TIME = Duration.ofSeconds(30);
  /** The default of {@code maxRequestBodyBytes}: no limit ({@link Long#MAX_VALUE}). */
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = Long.MAX_VALUE;

  /** The values {@code engine} may take. */
  static final List<String> ENGINES = List.of("http1", "jdk");

  private static final ServerLimits DEFAULTS =
      new ServerLimits(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADERS, DEFAULT_HEADER_TIMEOUT,
          DEFAULT_BODY_IDLE_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, null, "http1",
          DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_REQUEST_BODY_BYTES, 0);

  private final int maxHeaderBytes;
  private final int maxHeaders;
  private final Duration headerTimeout;
  private final Duration bodyIdleTimeout;
  private final Duration drainTimeout;
  private final Duration maxRequestTime;
  private final String engine;
  private final int maxRequestLineBytes;
  private final long maxRequestBodyBytes;
  private final int eventLoops;

  ServerLimits(int maxHeaderBytes, int maxHeaders, Duration headerTimeout,
      Duration bodyIdleTimeout, Duration drainTimeout, Duration maxRequestTime, String engine,
      int maxRequestLineBytes, long maxRequestBodyBytes, int eventLoops) {
    this.eventLoops = eventLoops;
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
   * engine reads before answering 414; {@value #DEFAULT_MAX_REQUEST_LINE_BYTES} unless set. Only
   * with {@code "engine": "http1"}: the config reader rejects it with {@code "jdk"}.
   *
   * @return the request line limit in bytes
   */
  public int maxRequestLineBytes() {
    return maxRequestLineBytes;
  }

  /**
   * {@code maxRequestBodyBytes}: the largest request body forwarded, declared or chunked, before
   * answering 413; no limit unless set.
   *
   * @return the request body limit in bytes; {@link Long#MAX_VALUE} when not set
   */
  public long maxRequestBodyBytes() {
    return maxRequestBodyBytes;
  }

  /**
   * The limits of a file without {@code "server"}: every default.
   *
   * @return the default limits; the same instance every call
   */
  public static ServerLimits defaults() {
    return DEFAULTS;
  }

  /**
   * {@code maxHeaderBytes}: the most bytes of request line and headers;
   * {@value #DEFAULT_MAX_HEADER_BYTES} unless set.
   *
   * @return the request head limit in bytes
   */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /**
   * {@code maxHeaders}: the most request header fields; {@value #DEFAULT_MAX_HEADERS} unless set.
   *
   * @return the header field limit
   */
  public int maxHeaders() {
    return maxHeaders;
  }

  /**
   * {@code headerTimeout}: how long a client may take to send the headers; 30 s unless set. Only
   * with {@code "engine": "http1"}: the config reader rejects it with {@code "jdk"}.
   *
   * @return the header timeout
   */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /**
   * {@code bodyIdleTimeout}: the longest pause inside a body, either way; 30 s unless set.
   *
   * @return the body idle timeout
   */
  public Duration bodyIdleTimeout() {
    return bodyIdleTimeout;
  }

  /**
   * {@code eventLoops} (http1 engine only): how many event loops carry the data path, each a
   * thread with its own client connections and upstream pools; {@code 0} when not set, which means
   * one per available processor.
   *
   * @return the number of event loops, or 0 for one per available processor
   */
  public int eventLoops() {
    return eventLoops;
  }

  /**
   * {@code drainTimeout}: how long shutdown waits for requests in flight; 10 s unless set.
   *
   * @return the drain timeout
   */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * {@code maxRequestTime}: the longest a client may take to send a whole request, with
   * {@code "engine": "jdk"} only (the config reader rejects it with {@code "http1"}, which bounds
   * the head by {@code headerTimeout} and the body by {@code bodyIdleTimeout}); empty unless set,
   * meaning {@link #DEFAULT_MAX_REQUEST_TIME}.
   *
   * @return the whole-request time limit; empty if not set
   */
  public Optional<Duration> maxRequestTime() {
    return Optional.ofNullable(maxRequestTime);
  }

  /**
   * {@code engine}: the standalone proxy's HTTP server, {@code "http1"} (the strict engine) or
   * {@code "jdk"} ({@code com.sun.net.httpserver}); {@code "http1"} unless set.
   *
   * @return {@code "http1"} or {@code "jdk"}
   */
  public String engine() {
    return engine;
  }

  @Override
  public String toString() {
    return "ServerLimits[maxHeaderBytes=" + maxHeaderBytes + ", maxHeaders=" + maxHeaders
        + ", headerTimeout=" + headerTimeout + ", bodyIdleTimeout=" + bodyIdleTimeout
        + ", drainTimeout=" + drainTimeout + ", maxRequestTime=" + maxRequestTime + ", engine=" + engine + ", eventLoops=" + eventLoops + "]";
  }
}
