package io.github.regionalrouter.forward;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.config.ServerLimits;
import io.github.regionalrouter.internal.loop.ForwarderLoops;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import io.github.regionalrouter.internal.upstream.UpstreamClient;
import java.lang.reflect.Method;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The data path shared by the adapters: routes a request with a {@link RegionalRouter} and
 * forwards it to the chosen endpoint with the cluster's {@link java.net.http.HttpClient}, streaming
 * the request body from a {@link RequestBody} and the response into a {@link ResponseSink}.
 *
 * <p>What it does to each request: hop-by-hop headers and every name listed in {@code Connection}
 * are removed before our own are added; the client's routing header is dropped and ours set;
 * {@code X-Forwarded-For} gets the peer address appended; {@code X-Forwarded-Proto},
 * {@code X-Forwarded-Host} and {@code Via} are set; {@code X-Request-Id} is generated when absent.
 * A header value with CR, LF or NUL is answered 400 before any routing. Failures are answered with
 * a short plain-text reason and an {@code X-Router-Error} header carrying the
 * {@linkplain io.github.regionalrouter.FailureReason#code() reason code}: 400 invalid request, 503
 * discovery unavailable / cluster not found (configurable) / cluster at its concurrency limit, 502
 * endpoint unreachable, 504 connect or answer timeout. An upstream that dies mid-body makes the
 * sink {@linkplain ResponseSink#abort abort}.
 *
 * <p>Threads: {@link #handle} never blocks; it returns once the request is on its way. Routing
 * callbacks run as {@link RegionalRouter#decide} says; every sink call and every read of the
 * request body runs on the {@linkplain Builder#executor executor}. Requests to a plain-HTTP/1.1
 * endpoint (with or without a body) take the {@linkplain Builder#fastLane fast lane}, whose
 * {@linkplain Builder#eventLoops event loops} write request bodies as the executor reads them,
 * parse responses and hand every chunk to the executor, or, when {@link #handle} was called on
 * one of these loops and the sink says {@link ResponseSink#nonBlockingNow()}, write it to the sink
 * themselves. {@code handle} may be called on an event-loop thread: what could block
 * there (a resolver call on a cache miss, {@code java.net.http}'s send) is started elsewhere.
 * Thread-safe; {@link #close()} stops the threads it started.
 */
public final class Forwarder implements AutoCloseable {
  static {
    ForwarderLoops.register(Forwarder::eventLoops);
  }

  final RegionalRouter router;
  final boolean preserveHost;
  final boolean retries;
  final Executor executor;
  final String via;
  final String requestIdHeader;
  final int chunkSize;
  final long maxRequestBodyBytes;
  final java.time.Duration bodyIdleTimeout;
  final boolean fastLane;
  final boolean fastLaneBodies;
  final boolean allowUnderscoresInHeaders;
  final LongAdder underscoreHeadersDropped = new LongAdder();
  final IdleWatch idleWatch = new IdleWatch();
  private final boolean ownsExecutor;
  final int eventLoops;
  private final Object upstreamLock = new Object();
  private final AtomicInteger nextUpstream = new AtomicInteger();
  private volatile UpstreamClient[] upstreams;
  private volatile boolean closed;

  private Forwarder(Builder b) {
    this.router = b.router;
    this.preserveHost = b.preserveHost;
    this.retries = b.retries;
    this.ownsExecutor = b.executor == null;
    this.executor = b.executor != null ? b.executor : defaultExecutor();
    this.via = b.via;
    this.requestIdHeader = b.requestIdHeader;
    this.chunkSize = b.chunkSize;
    this.maxRequestBodyBytes = b.maxRequestBodyBytes;
    this.bodyIdleTimeout = b.bodyIdleTimeout;
    this.fastLane = b.fastLane;
    this.fastLaneBodies = b.fastLaneBodies;
    this.eventLoops = b.eventLoops;
    this.allowUnderscoresInHeaders = b.allowUnderscoresInHeaders;
  }

  /**
   * How many request headers were not forwarded because their name has an {@code _} (see
   * {@link Builder#allowUnderscoresInHeaders}); 0 when they are allowed.
   *
   * @return the number of dropped headers since this forwarder was built
   */
  public long underscoreHeadersDropped() {
    return underscoreHeadersDropped.sum();
  }

  /**
   * The fast-lane client of the calling thread's event loop when the caller is one of this
   * forwarder's loops (so a request read on a loop is sent, answered and written on it), else the
   * next one round-robin. The clients are started together on first use.
   */
  UpstreamClient upstream() {
    return upstream(null);
  }

  /**
   * The client of {@code preferred} (the loop a request's body lives on) if it is one of this
   * forwarder's loops, else as {@link #upstream()}.
   */
  UpstreamClient upstream(SelectorLoop preferred) {
    UpstreamClient[] us = upstreams();
    SelectorLoop current = preferred != null ? preferred : SelectorLoop.current();
    if (current != null) {
      for (UpstreamClient u : us) {
        if (u.loop() == current) {
          return u;
        }
      }
    }
    return us.length == 1 ? us[0] : us[Math.floorMod(nextUpstream.getAndIncrement(), us.length)];
  }

  UpstreamClient[] upstreams() {
    UpstreamClient[] us = upstreams;
    if (us == null) {
      synchronized (upstreamLock) {
        if (closed) {
          throw new IllegalStateException("forwarder is closed");
        }
        us = upstreams;
        if (us == null) {
          us = new UpstreamClient[eventLoops];
          for (int i = 0; i < us.length; i++) {
            us[i] = new UpstreamClient(executor, 256, java.time.Duration.ofSeconds(60));
          }
          upstreams = us;
        }
      }
    }
    return us;
  }

  /**
   * Releases what this forwarder made: the fast lane's event-loop threads and their pooled
   * upstream connections (requests still in flight on them fail and are answered 502 or aborted),
   * the body idle timer's thread, and the default executor if no
   * {@linkplain Builder#executor executor} was given (it is shut down: running tasks finish, new
   * ones run on the caller). The routers, clusters and a given executor are the caller's to close.
   * Idempotent; requests handled afterwards use java.net.http only, without a body idle timeout.
   */
  @Override
  public void close() {
    UpstreamClient[] us;
    synchronized (upstreamLock) {
      if (closed) {
        return;
      }
      closed = true;
      us = upstreams;
      upstreams = null;
    }
    if (us != null) {
      for (UpstreamClient u : us) {
        u.close();
      }
    }
    idleWatch.close();
    if (ownsExecutor && executor instanceof ExecutorService) {
      ((ExecutorService) executor).shutdown();
    }
  }

  /**
   * The fast lane's event loops ({@link Builder#eventLoops} of them), started now if they were
   * not yet; empty when the {@linkplain Builder#fastLane fast lane} is off or this forwarder is
   * closed. For this project's adapters, through {@link ForwarderLoops}: a server may run its
   * client connections on them (their handlers must never block) and call {@link #handle} on a
   * loop's thread; the request is then
   * sent on that loop's own upstream connections, and the answer read from the upstream is written
   * to the client on that same thread when its sink says it
   * {@linkplain ResponseSink#nonBlockingNow can take it without blocking}. Closed, with every
   * channel registered on them, by {@link #close()}.
   *
   * @return the event loops, unmodifiable; empty when the fast lane is off or closed
   */
  List<SelectorLoop> eventLoops() {
    if (!fastLane || closed) {
      return List.of();
    }
    try {
      UpstreamClient[] us = upstreams();
      List<SelectorLoop> loops = new ArrayList<>(us.length);
      for (UpstreamClient u : us) {
        loops.add(u.loop());
      }
      return List.copyOf(loops);
    } catch (IllegalStateException e) {
      return List.of(); // closed meanwhile
    }
  }

  /**
   * What ended one of the fast lane's event loops, and every connection on it (an {@link Error}
   * on its thread, a failing selector; logged at ERROR when it happened), or {@code null} while
   * they all run or none has started. A forwarder with a dead loop fails part of its requests:
   * its owner should take it out of service (the standalone proxy answers {@code /ready} 503).
   *
   * @return the failure that ended a loop, or {@code null}
   */
  public Throwable eventLoopFailure() {
    UpstreamClient[] us = upstreams;
    if (us != null) {
      for (UpstreamClient u : us) {
        Throwable t = u.loop().failure();
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  /**
   * The number of event loops the fast lane runs on.
   *
   * @return the event loop count, 1-1024
   */
  public int eventLoopCount() {
    return eventLoops;
  }

  /** Whether requests may take the fast lane (the forwarder is not closed). */
  boolean fastLaneOpen() {
    return fastLane && !closed;
  }

  /**
   * Starts building a forwarder for the requests {@code router} routes.
   *
   * @param router the router that decides where requests go; not null
   * @return a new builder
   */
  public static Builder builder(RegionalRouter router) {
    return new Builder(router);
  }

  /**
   * Routes and forwards one request, answering on {@code sink}. Never throws for routing or I/O
   * failures: they are answered on the sink. The returned stage completes, never exceptionally,
   * once the response has been completed or aborted.
   *
   * @param request the request as received; not null
   * @param body the request's body; not null ({@link RequestBody#empty()} when there is none)
   * @param sink where the response is written; not null
   * @return a stage completing with what became of the request, never exceptionally
   */
  public CompletionStage<ForwardResult> handle(InboundRequest request, RequestBody body, ResponseSink sink) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(sink, "sink");
    ForwardCall call = new ForwardCall(this, request, body, sink);
    call.start();
    return call.result();
  }

  /**
   * Answers one request with a router failure (e.g. {@code draining}) without routing it: the same
   * plain-text reason and {@code X-Router-Error} header as every other failure.
   *
   * @param request the request as received; not null
   * @param failure the failure to answer with; its status and reason are sent
   * @param sink where the response is written; not null
   * @return a stage completing once the answer is sent or aborted, never exceptionally
   */
  public CompletionStage<ForwardResult> reject(InboundRequest request, io.github.regionalrouter.RoutingException failure,
      ResponseSink sink) {
    ForwardCall call = new ForwardCall(this, request, RequestBody.empty(), sink);
    call.reject(failure);
    return call.result();
  }

  /**
   * The router.
   *
   * @return the router given to the builder
   */
  public RegionalRouter router() {
    return router;
  }

  /**
   * Whether the client's Host is sent upstream.
   *
   * @return true if the client's Host is sent upstream
   */
  public boolean preserveHost() {
    return preserveHost;
  }

  /**
   * Whether safe retries are on.
   *
   * @return true if safe retries are on
   */
  public boolean retries() {
    return retries;
  }

  /**
   * Whether bodiless plain-HTTP/1.1 requests use the forwarder's own client.
   *
   * @return true if the fast lane is on
   */
  public boolean fastLane() {
    return fastLane;
  }

  /**
   * The executor of sink calls and request-body reads.
   *
   * @return the executor given to the builder, or the default one
   */
  public Executor executor() {
    return executor;
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Virtual threads when the JVM has them (21+), else a cached pool of daemon threads. */
  static Executor defaultExecutor() {
    try {
      Method m = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "regional-router-io-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
    }
  }

  /**
   * Builds a {@link Forwarder}. Not thread-safe; {@link #build()} does not change the builder and
   * may be called again.
   */
  public static final class Builder {
    private final RegionalRouter router;
    private boolean preserveHost;
    private boolean retries = true;
    private Executor executor;
    private String via = "regional-router";
    private String requestIdHeader = "X-Request-Id";
    private int chunkSize = 16 * 1024;
    private long maxRequestBodyBytes = ServerLimits.DEFAULT_MAX_REQUEST_BODY_BYTES;
    private java.time.Duration bodyIdleTimeout = ServerLimits.DEFAULT_BODY_IDLE_TIMEOUT;
    private boolean fastLane = true;
    private boolean fastLaneBodies = true;
    private int eventLoops = Runtime.getRuntime().availableProcessors();
    private boolean allowUnderscoresInHeaders;

    private Builder(RegionalRouter router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    /**
     * Whether the upstream sees the client's {@code Host} instead of the endpoint's authority;
     * {@code false} unless set. Needs the system property
     * {@code jdk.httpclient.allowRestrictedHeaders} to contain {@code host}, set before the JVM
     * first uses {@code java.net.http} (the standalone proxy does this); {@link #build()} checks.
     *
     * @param preserve true to send the client's Host upstream
     * @return this builder
     */
    public Builder preserveHost(boolean preserve) {
      this.preserveHost = preserve;
      return this;
    }

    /**
     * Whether request headers whose name has an {@code _} are forwarded; {@code false} unless set:
     * they are dropped (and counted, {@link Forwarder#underscoreHeadersDropped()}), because a
     * CGI, WSGI or Rack upstream maps {@code -} and {@code _} to the same variable, so
     * {@code Content_Length} or {@code Transfer_Encoding} would stand in for the framing headers
     * this proxy checked (nginx's {@code underscores_in_headers off}, Envoy's
     * {@code headers_with_underscores_action}). Config key: {@code allowUnderscoresInHeaders}.
     *
     * @param allow true to forward headers with {@code _} in their name
     * @return this builder
     */
    public Builder allowUnderscoresInHeaders(boolean allow) {
      this.allowUnderscoresInHeaders = allow;
      return this;
    }

    /**
     * Whether safe retries are made; {@code true} unless set. Safe: a request whose connection
     * could not be opened goes to another endpoint of the cluster (if none of its body was read);
     * an idempotent request without a body that failed before any answer is sent once more. Never
     * past the cluster's request timeout, counted from the first attempt.
     *
     * @param enabled false to never retry
     * @return this builder
     */
    public Builder retries(boolean enabled) {
      this.retries = enabled;
      return this;
    }

    /**
     * The executor that runs the blocking parts: reading request bodies and every
     * {@link ResponseSink} call (but those made on an event-loop thread when the sink says
     * {@link ResponseSink#nonBlockingNow()}), and the send of a {@code java.net.http} request
     * handled on an event-loop thread. Unless set: virtual threads when the JVM has them (21+), else a
     * cached pool of daemon threads (idle ones end after 60 s).
     *
     * @param executor the executor; not null, not shut down by {@link Forwarder#close()}
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The pseudonym this proxy adds to {@code Via}; {@code regional-router} unless set.
     *
     * @param pseudonym the pseudonym; not null, a non-empty token without spaces or commas
     * @return this builder
     * @throws IllegalArgumentException if {@code pseudonym} is not such a token
     */
    public Builder via(String pseudonym) {
      Objects.requireNonNull(pseudonym, "via");
      if (pseudonym.isEmpty() || !pseudonym.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',')) {
        throw new IllegalArgumentException("via: \"" + pseudonym + "\" (expected: a token, no spaces or commas)");
      }
      this.via = pseudonym;
      return this;
    }

    /**
     * The request id header, kept when the client sent it, else generated; {@code X-Request-Id} unless set.
     *
     * @param name the header name; not null, an HTTP token
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is not a valid header name
     */
    public Builder requestIdHeader(String name) {
      Objects.requireNonNull(name, "requestIdHeader");
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("requestIdHeader: \"" + name + "\" (expected: an HTTP header name)");
      }
      this.requestIdHeader = name;
      return this;
    }

    /**
     * The largest request body forwarded; no limit unless set. A larger declared
     * {@code Content-Length} is answered 413 before routing; a chunked body that grows past it is
     * cut off (413 if the upstream has not answered yet, else the response is aborted).
     *
     * @param max the limit in bytes; 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Builder maxRequestBodyBytes(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRequestBodyBytes: " + max + " (expected: >= 0)");
      }
      this.maxRequestBodyBytes = max;
      return this;
    }

    /**
     * The longest the upstream may pause inside its response body (the cluster's request timeout
     * covers the wait for the status and headers); after it the upstream connection is closed and
     * the response aborted (504 if nothing was sent yet). 30 seconds unless set.
     *
     * @param timeout the idle timeout; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder bodyIdleTimeout(java.time.Duration timeout) {
      Objects.requireNonNull(timeout, "bodyIdleTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("bodyIdleTimeout: " + timeout + " (expected: > 0)");
      }
      this.bodyIdleTimeout = timeout;
      return this;
    }

    /**
     * Whether requests to an {@code http} endpoint of an HTTP/1.1 cluster are sent with the
     * forwarder's own lean HTTP/1.1 client instead of the cluster's {@link java.net.http.HttpClient}
     * (several times the throughput on small responses); {@code true} unless set. Requests with a
     * body take it too unless {@link #fastLaneBodies} is off. Everything else ({@code https},
     * HTTP/2) always uses the cluster's client. The fast lane runs one daemon selector thread per forwarder, started on first use and
     * stopped by {@link Forwarder#close()}; it keeps up to 256 idle connections per endpoint for 60
     * seconds, reads responses strictly (an invalid one is answered 502) and enforces the cluster's
     * connect and request timeouts like java.net.http does.
     *
     * @param enabled false to send every request with the cluster's client
     * @return this builder
     */
    public Builder fastLane(boolean enabled) {
      this.fastLane = enabled;
      return this;
    }

    /**
     * Whether requests with a body take the {@linkplain #fastLane fast lane} too (when it is on);
     * {@code true} unless set. The body is read on the {@linkplain #executor executor} one chunk
     * of 16 KiB at a time, each only once the previous one is written upstream. Off, they use the
     * cluster's {@link java.net.http.HttpClient}, which is laxer about malformed answers.
     *
     * @param enabled false to send requests with a body with the cluster's client
     * @return this builder
     */
    public Builder fastLaneBodies(boolean enabled) {
      this.fastLaneBodies = enabled;
      return this;
    }

    /**
     * How many event loops the {@linkplain #fastLane fast lane} runs on: one thread each, with its
     * own selector and its own pools of upstream connections (shared-nothing, like nginx's
     * workers). A request handled on a loop's thread is sent on that loop's connections; one
     * handled on any other thread goes to the loops in turn. Cluster limits, outlier detection and
     * counters are shared by all loops. The number of available processors unless set; 1 to 1024.
     *
     * @param loops the number of event loops, 1-1024
     * @return this builder
     * @throws IllegalArgumentException if {@code loops} is out of range
     */
    public Builder eventLoops(int loops) {
      if (loops < 1 || loops > 1024) {
        throw new IllegalArgumentException("eventLoops: " + loops + " (expected: 1-1024)");
      }
      this.eventLoops = loops;
      return this;
    }

    /**
     * The most bytes read from a request body at once; 16 KiB unless set; 1 KiB to 1 MiB.
     *
     * @param bytes the chunk size in bytes, 1024-1048576
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder chunkSize(int bytes) {
      if (bytes < 1024 || bytes > 1024 * 1024) {
        throw new IllegalArgumentException("chunkSize: " + bytes + " (expected: 1024-1048576)");
      }
      this.chunkSize = bytes;
      return this;
    }

    /**
     * Builds the forwarder.
     *
     * @return a new forwarder
     * @throws IllegalStateException if {@code preserveHost} is on but java.net.http refuses to send
     *     a {@code Host} header (the system property is missing or was set too late)
     */
    public Forwarder build() {
      if (preserveHost) {
        try {
          HttpRequest.newBuilder().header("Host", "example.com");
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(
              "preserveHost needs java.net.http to allow the Host header: start the JVM with"
                  + " -Djdk.httpclient.allowRestrictedHeaders=host (java.net.http reads it once,"
                  + " before its first request; it is now "
                  + (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null
                      ? "unset" : "\"" + System.getProperty("jdk.httpclient.allowRestrictedHeaders") + "\"")
                  + ")");
        }
      }
      return new Forwarder(this);
    }
  }
}
