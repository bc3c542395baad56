package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.internal.AbsoluteFormRequest;
import io.github.regionalrouter.RoutingException;
import io.github.regionalrouter.forward.ForwardResult;
import io.github.regionalrouter.config.ServerLimits;
import io.github.regionalrouter.forward.Forwarder;
import io.github.regionalrouter.forward.RequestBody;
import io.github.regionalrouter.forward.ResponseSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reverse proxy: every request is routed by a {@link RegionalRouter} and forwarded by a
 * {@link Forwarder}. It runs on one of two HTTP servers ({@link Engine}): the strict
 * {@linkplain Engine#HTTP1 http1} engine of this module by default, or the JDK's
 * {@code com.sun.net.httpserver}.
 *
 * <pre>{@code
 * try (RegionalProxyServer server = RegionalProxyServer.listen(8000).router(router).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>No thread blocks on discovery or on the upstream: the server's thread parses the request,
 * starts routing and returns; the answer is written from the forwarder's executor when it arrives.
 * {@link #close()} drains: the listener stops accepting (http1) or new requests are answered 503
 * {@code draining} (JDK server), a request already being read is answered 503 {@code draining}
 * with {@code Connection: close}, in-flight ones may finish until the drain timeout, idle
 * keep-alive connections are closed, then every connection closes.
 *
 * <p>JDK 17 with 1-2 CPUs: there {@code CompletableFuture}'s default executor, to which
 * java.net.http hands every {@code sendAsync} completion, starts a new platform thread per task
 * unless {@code java.util.concurrent.ForkJoinPool.common.parallelism} is at least 2. The forwarder
 * does no work in those completions (status, headers and body arrive through the body handler and
 * go to the forwarder's executor), and the standalone {@code Main} sets the property to 2 before
 * anything loads {@code CompletableFuture}; an application embedding this server on such a JVM
 * should set it too (the server logs a warning at start when it is not set). JDK 21+ pools these
 * threads. Measurements: {@code benchmarks/README.md}.
 */
public final class RegionalProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegionalProxyServer.class);

  /**
   * The HTTP server a {@link RegionalProxyServer} runs on.
   *
   * <p>{@link #HTTP1} (the default) parses every request head byte for byte and answers whatever a
   * lax parser could let through to be read differently upstream with a stated 4xx and a closed
   * connection (bare CR or LF, folded lines, a missing or repeated {@code Host}, conflicting
   * framing, …); its limits are per server; header names keep their case both ways; it is
   * the faster of the two ({@code benchmarks/README.md}). New connections are refused while
   * draining.
   *
   * <p>{@link #JDK_HTTPSERVER} is {@code com.sun.net.httpserver}: a JDK module rather than code of
   * this project, but lax (it accepts bare CR as a line end, folded lines, a missing or repeated
   * {@code Host}) so the proxy may forward what the client meant differently; its limits are
   * JVM-wide system properties that only the JVM's first {@code HttpServer} reads; response header
   * names are normalized ({@code Processed-by}); it answers new requests 503 while draining.
   */
  public enum Engine {
    /** The strict HTTP/1.1 engine of this module ({@code io.github.regionalrouter.jdkserver.http1}). */
    HTTP1,
    /** The JDK's {@code com.sun.net.httpserver}. */
    JDK_HTTPSERVER
  }

  private final RegionalRouter router;
  private final Forwarder forwarder;
  private final boolean ownForwarder;
  private final Engine engineKind;
  private final ServerEngine engine;
  private final ExecutorService executor;
  private final boolean ownExecutor;
  private final Duration drainTimeout;
  private final AccessLog accessLog;
  private final AdminServer admin;
  private final StatsMBean mbean;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object drainLock = new Object();
  private volatile boolean draining;
  private volatile boolean closed;

  private RegionalProxyServer(Builder b) throws IOException {
    this.router = b.router;
    this.drainTimeout = b.drainTimeout;
    this.engineKind = b.engine;
    ExecutorService ex = b.executor;
    this.ownExecutor = ex == null;
    // the forwarder's threads that may read a connection's next request after writing its answer:
    // any number of virtual threads; half of our own bounded pool; none of a caller's executor
    int borrowable = 0;
    if (ex == null) {
      ex = ServerThreads.virtualOrNull();
      if (ex == null) {
        ex = ServerThreads.bounded(b.maxThreads, "regional-router-");
        borrowable = b.maxThreads / 2;
      } else {
        borrowable = Integer.MAX_VALUE;
      }
    }
    this.executor = ex;
    this.ownForwarder = b.forwarder == null;
    Forwarder built = b.forwarder;
    if (built == null) {
      try {
        Forwarder.Builder fb = Forwarder.builder(b.router).bodyIdleTimeout(b.bodyIdleTimeout).executor(ex);
        if (b.eventLoops > 0) {
          fb.eventLoops(b.eventLoops);
        }
        if (b.forwarderOptions != null) {
          b.forwarderOptions.accept(fb);
        }
        built = fb.build();
      } catch (RuntimeException e) {
        if (ownExecutor) {
          ex.shutdown();
        }
        throw e;
      }
    }
    this.forwarder = built;
    // the options may have given the forwarder an executor of the caller's: none of its threads
    // may then wait for a connection's next request
    if (forwarder.executor() != ex) {
      borrowable = 0;
    }
    this.accessLog = b.accessLog ? new AccessLog() : null;
    this.admin = b.adminAddress == null ? null
        : new AdminServer(b.adminAddress, this, b.configSupplier, ex);
    this.mbean = b.jmx ? new StatsMBean(this) : null;
    warnIfSlowHandOff();
    // last: the engine serves requests as soon as it exists
    try {
      this.engine = b.engine == Engine.HTTP1
          ? new Http1Engine(this, b, b.executor, borrowable)
          : new JdkServerEngine(this, b, ex);
    } catch (IOException | RuntimeException e) {
      if (ownForwarder) {
        forwarder.close();
      }
      if (admin != null) {
        admin.stop();
      }
      if (ownExecutor) {
        ex.shutdown();
      }
      throw e;
    }
  }

  /**
   * Starts building a server on {@code port} of every local address.
   *
   * @param port the port, 0-65535; 0 picks a free port
   * @return a new builder
   * @throws IllegalArgumentException if {@code port} is out of range
   */
  public static Builder listen(int port) {
    return new Builder().port(port);
  }

  /**
   * Starts building a server (port 8000 of every local address unless set).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Called by the engine for each request; never throws, never blocks. */
  void serve(InboundRequest received, RequestBody body, ResponseSink sink, boolean drain) {
    inFlight.incrementAndGet();
    InboundRequest request = AbsoluteFormRequest.of(received);
    CompletionStage<ForwardResult> done;
    try {
      done = drain
          ? forwarder.reject(request, new RoutingException(FailureReason.DRAINING, "proxy is shutting down"), sink)
          : forwarder.handle(request, body, sink);
    } catch (RuntimeException e) {
      log.error("request failed unexpectedly", e);
      sink.abort(e);
      ended();
      return;
    }
    done.whenComplete((result, error) -> {
      if (accessLog != null && result != null) {
        accessLog.log(request, result);
      }
      ended();
    });
  }

  private void ended() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      synchronized (drainLock) {
        drainLock.notifyAll();
      }
    }
  }

  /** Starts the admin listener and the MBean; returns this server. */
  private RegionalProxyServer startServing() {
    if (admin != null) {
      admin.start();
    }
    if (mbean != null) {
      mbean.register();
    }
    log.info("regional-router listening on {} ({}){}", address(), engineKind,
        admin == null ? "" : ", admin on " + admin.address());
    return this;
  }

  /**
   * The address the proxy listens on (with the real port when 0 was asked).
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    return engine.address();
  }

  /**
   * The HTTP server this proxy runs on.
   *
   * @return the engine
   */
  public Engine engine() {
    return engineKind;
  }

  /**
   * The admin listener's address, if there is one.
   *
   * @return the admin listener's bound address; empty if there is none
   */
  public Optional<InetSocketAddress> adminAddress() {
    return admin == null ? Optional.empty() : Optional.of(admin.address());
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
   * The forwarder.
   *
   * @return the forwarder in use: the given one, or the one this server built
   */
  public Forwarder forwarder() {
    return forwarder;
  }

  /**
   * Whether {@link #close()} has begun: new requests are answered 503.
   *
   * @return true once draining has begun
   */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Whether this proxy should get traffic, as the admin {@code /ready} answers: not while
   * {@linkplain #isDraining draining}, nor once one of its event loops died (an {@link Error} on
   * its thread, logged at ERROR; the http1 engine then accepts no more connections), since the
   * connections and requests on that loop are lost and the proxy would only half-work.
   *
   * @return true while the proxy should get traffic
   */
  public boolean isReady() {
    return notReadyReason() == null;
  }

  /** Why {@link #isReady()} is false, one line, or {@code null}. */
  String notReadyReason() {
    if (draining) {
      return "draining";
    }
    Throwable dead = engine.eventLoopFailure();
    if (dead == null) {
      dead = forwarder.eventLoopFailure();
    }
    return dead == null ? null : "an event loop died: " + dead.getClass().getName();
  }

  /**
   * Requests being served now.
   *
   * @return the number of requests in flight
   */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Drains and stops, blocking until done: no new connections (http1) or new requests answered 503
   * {@code draining} (JDK server); a request being read when this began is answered 503
   * {@code draining} with {@code Connection: close}; idle keep-alive connections are closed;
   * requests in flight may finish until the drain timeout; then every connection is closed, and
   * the admin listener too, and the forwarder this server built (not one given to
   * {@link Builder#forwarder}). Does not close the router. A second call returns at once.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    draining = true;
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    engine.stop(deadline);
    // the engine has closed every connection; calls cut off at the deadline end as soon as they see it
    awaitInFlight(Math.max(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
    if (ownForwarder) {
      forwarder.close(); // its fast lane's selector thread and pooled upstream connections
    }
    if (admin != null) {
      admin.stop();
    }
    if (mbean != null) {
      mbean.unregister();
    }
    if (accessLog != null) {
      accessLog.close(); // what the loop queued
    }
    if (ownExecutor) {
      executor.shutdown();
    }
    log.info("regional-router stopped ({} requests cut off by the drain timeout)", inFlight.get());
  }

  /** Waits until no request is in flight or {@code deadlineNanos} passes. */
  void awaitInFlight(long deadlineNanos) {
    synchronized (drainLock) {
      long left;
      while (inFlight.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(drainLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

  private static void warnIfSlowHandOff() {
    if (!WARNED.get() && WARNED.compareAndSet(false, true) && Runtime.version().feature() < 21 && ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn("JDK {} with common-pool parallelism {}: java.net.http starts a new thread for every"
          + " proxied request; start the JVM with"
          + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (the standalone proxy does)",
          Runtime.version().feature(), ForkJoinPool.getCommonPoolParallelism());
    }
  }

  /**
   * Builds a {@link RegionalProxyServer}. Not thread-safe. The defaults of the limits the config
   * file also sets are declared once, in {@link ServerLimits}. An option of one engine only is
   * refused by {@link #start()} when the other engine is chosen. With the {@link Engine#HTTP1}
   * engine (the default) every limit is this server's own. With {@link Engine#JDK_HTTPSERVER} the header
   * and time limits are JVM-wide settings of the JDK server: they take effect only for the JVM's
   * first {@code HttpServer}, and a system property set on the command line wins.
   */
  public static final class Builder {
    Engine engine = Engine.HTTP1;
    InetSocketAddress address = new InetSocketAddress(8000);
    RegionalRouter router;
    Forwarder forwarder;
    Consumer<? super Forwarder.Builder> forwarderOptions;
    Duration bodyIdleTimeout = ServerLimits.DEFAULT_BODY_IDLE_TIMEOUT;
    ExecutorService executor;
    int maxThreads = 256;
    int backlog = 1024;
    Duration drainTimeout = ServerLimits.DEFAULT_DRAIN_TIMEOUT;
    Duration requestTimeLimit = ServerLimits.DEFAULT_MAX_REQUEST_TIME;
    Duration headerTimeout = ServerLimits.DEFAULT_HEADER_TIMEOUT;
    int maxRequestLineBytes = ServerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES;
    Duration idleTimeout = Duration.ofSeconds(30);
    int maxRequestHeaders = ServerLimits.DEFAULT_MAX_HEADERS;
    int maxRequestHeaderBytes = ServerLimits.DEFAULT_MAX_HEADER_BYTES;
    boolean accessLog = true;
    boolean jmx = true;
    boolean eventLoop = true;
    int eventLoops;
    /** Options set that apply to one engine only, by name, with the engine they apply to. */
    final Map<String, Engine> engineOptionsSet = new java.util.LinkedHashMap<>();
    InetSocketAddress adminAddress;
    Supplier<Map<String, Object>> configSupplier = Map::of;

    private Builder() {}

    /**
     * The HTTP server to run on; {@link Engine#HTTP1} unless set. See {@link Engine} for the
     * trade-off.
     *
     * @param engine the engine; not null
     * @return this builder
     */
    public Builder engine(Engine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * The port, on every local address; 8000 unless set; 0 picks a free port.
     *
     * @param port the port, 0-65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder port(int port) {
      checkPort(port);
      this.address = new InetSocketAddress(port);
      return this;
    }

    /**
     * The address and port to listen on.
     *
     * @param address the address and port; not null
     * @return this builder
     */
    public Builder bind(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The address and port to listen on.
     *
     * @param host the host name or address to bind; not null
     * @param port the port, 0-65535; 0 picks a free port
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder bind(String host, int port) {
      checkPort(port);
      return bind(new InetSocketAddress(Objects.requireNonNull(host, "host"), port));
    }

    /**
     * The router. Required.
     *
     * @param router the router; not null
     * @return this builder
     */
    public Builder router(RegionalRouter router) {
      this.router = Objects.requireNonNull(router, "router");
      return this;
    }

    /**
     * A forwarder built by the caller, for a forwarder shared with other code or closed by the
     * caller; it must be built for the same {@link #router}. Cannot be combined with
     * {@link #forwarderOptions}. Unless set, the server builds its own forwarder (see
     * {@link #forwarderOptions}) and closes it with the server; a forwarder given here is not
     * closed by {@link RegionalProxyServer#close()}, and this server's {@link #bodyIdleTimeout}
     * then bounds only the client's request body (http1 engine).
     *
     * @param forwarder the forwarder; not null, built for this builder's router
     * @return this builder
     */
    public Builder forwarder(Forwarder forwarder) {
      this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
      return this;
    }

    /**
     * Forwarding options (e.g. {@link Forwarder.Builder#preserveHost preserveHost},
     * {@link Forwarder.Builder#retries retries},
     * {@link Forwarder.Builder#maxRequestBodyBytes maxRequestBodyBytes}) for the forwarder this
     * server builds. At {@link #start()} the server makes
     * {@code Forwarder.builder(router).bodyIdleTimeout(bodyIdleTimeout).executor(executor)} with
     * its own {@link #router}, {@link #bodyIdleTimeout} and {@link #executor}, passes that builder
     * to {@code options}, then builds it; so every default is {@link Forwarder.Builder}'s, and the
     * options may override the body idle timeout and the executor too (the server's own threads
     * then no longer wait for kept-alive connections' next requests on the forwarder's executor).
     * {@code options} must not call {@link Forwarder.Builder#build()}. No options unless set.
     *
     * <pre>{@code
     * RegionalProxyServer.listen(8000).router(router)
     *     .forwarderOptions(f -> f.preserveHost(true).maxRequestBodyBytes(10 << 20))
     *     .start();
     * }</pre>
     *
     * <p>A hook rather than a copy of each forwarder setter on this builder, so that every
     * forwarding option, its validation and its default stay in one place. Cannot be combined
     * with {@link #forwarder(Forwarder)}, which gives a forwarder built by the caller. A second
     * call replaces the options of the first.
     *
     * @param options called once with the forwarder builder at {@link #start()}; not null
     * @return this builder
     */
    public Builder forwarderOptions(Consumer<? super Forwarder.Builder> options) {
      this.forwarderOptions = Objects.requireNonNull(options, "forwarderOptions");
      return this;
    }

    /**
     * The longest pause inside a body, either way: the upstream's response body (the server passes
     * it to {@link Forwarder.Builder#bodyIdleTimeout} of the forwarder it builds, unless
     * {@link #forwarderOptions} set another) and, with the http1 engine, the client's request body
     * (then the client connection is closed and the upstream request aborted); 30 seconds unless
     * set.
     *
     * @param timeout the idle timeout; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder bodyIdleTimeout(Duration timeout) {
      this.bodyIdleTimeout = positive("bodyIdleTimeout", timeout);
      return this;
    }

    /**
     * The executor of request handling and response writing (the forwarder's, the JDK server's, the
     * admin listener's) and, with the http1 engine, of connection tasks too: a connection holds a
     * task while it reads a request head or waits kept alive, so on a bounded pool these compete
     * with forwarding. Unless set: virtual threads when the JVM has them (21+), else a pool of
     * {@link #maxThreads} daemon threads, and the http1 engine gets a pool of its own. An executor
     * given here is not shut down by {@link #close()}.
     *
     * @param executor the executor; not null
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The size of the default thread pool on JVMs without virtual threads (17-20); 256 unless set.
     * The http1 engine then also gets its own pool of {@code 2 * maxThreads} threads for connections
     * reading a request head or kept alive; a connection beyond those is answered 503.
     *
     * @param max the pool size; at least 2
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 2
     */
    public Builder maxThreads(int max) {
      if (max < 2) {
        throw new IllegalArgumentException("maxThreads: " + max + " (expected: >= 2)");
      }
      this.maxThreads = max;
      return this;
    }

    /**
     * The listen backlog; 1024 unless set.
     *
     * @param backlog the backlog; at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code backlog} is less than 1
     */
    public Builder backlog(int backlog) {
      if (backlog < 1) {
        throw new IllegalArgumentException("backlog: " + backlog + " (expected: >= 1)");
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * How long {@link #close()} lets in-flight requests finish; 10 seconds unless set.
     *
     * @param timeout the drain timeout; not null, zero or more (zero: do not wait)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = nonNegative("drainTimeout", timeout);
      return this;
    }

    /**
     * JDK server engine only: how long a client may take to send a whole request, headers and body
     * (a client trickling its headers is dropped after it); 30 seconds unless set, whole seconds.
     * Raise it for slow large uploads. ({@code sun.net.httpserver.maxReqTime}) The http1 engine
     * bounds a request with {@link #headerTimeout} and {@link #bodyIdleTimeout} instead.
     *
     * @param limit the time limit; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is zero or negative
     */
    public Builder requestTimeLimit(Duration limit) {
      this.requestTimeLimit = positive("requestTimeLimit", limit);
      engineOptionsSet.put("requestTimeLimit", Engine.JDK_HTTPSERVER);
      return this;
    }

    /**
     * Http1 engine only: how long a client may take to send a request's line and headers, from the
     * connection's accept (first request) or the request's first byte; then the connection is
     * closed without an answer. 30 seconds unless set. (The JDK server uses
     * {@link #requestTimeLimit}.)
     *
     * @param timeout the header timeout; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = positive("headerTimeout", timeout);
      engineOptionsSet.put("headerTimeout", Engine.HTTP1);
      return this;
    }

    /**
     * Http1 engine only: the longest request line; longer is answered 414.
     * {@value ServerLimits#DEFAULT_MAX_REQUEST_LINE_BYTES} bytes unless set.
     *
     * @param max the limit in bytes; at least 64
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 64
     */
    public Builder maxRequestLineBytes(int max) {
      if (max < 64) {
        throw new IllegalArgumentException("maxRequestLineBytes: " + max + " (expected: >= 64)");
      }
      this.maxRequestLineBytes = max;
      engineOptionsSet.put("maxRequestLineBytes", Engine.HTTP1);
      return this;
    }

    /**
     * How long an idle keep-alive connection stays open; 30 seconds unless set.
     *
     * @param timeout the idle timeout; not null, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /**
     * The most request headers; more are answered 431 (http1) or 400 (JDK server).
     * {@value ServerLimits#DEFAULT_MAX_HEADERS} unless set.
     * ({@code sun.net.httpserver.maxReqHeaders})
     *
     * @param max the header count limit; at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     */
    public Builder maxRequestHeaders(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRequestHeaders: " + max + " (expected: >= 1)");
      }
      this.maxRequestHeaders = max;
      return this;
    }

    /**
     * The most bytes of headers; more are answered 431. {@value ServerLimits#DEFAULT_MAX_HEADER_BYTES}
     * unless set. The http1 engine counts
     * the header section (the request line has {@link #maxRequestLineBytes}); the JDK server counts
     * request line and headers, in builds that have {@code sun.net.httpserver.maxReqHeaderSize}
     * (17.0.17+, 21.0.9+, 25).
     *
     * @param max the limit in bytes; at least 1024
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1024
     */
    public Builder maxRequestHeaderBytes(int max) {
      if (max < 1024) {
        throw new IllegalArgumentException("maxRequestHeaderBytes: " + max + " (expected: >= 1024)");
      }
      this.maxRequestHeaderBytes = max;
      return this;
    }

    /**
     * Whether each request is logged (slf4j logger {@code io.github.regionalrouter.access}); on unless set.
     *
     * @param enabled false to log no requests
     * @return this builder
     */
    public Builder accessLog(boolean enabled) {
      this.accessLog = enabled;
      return this;
    }

    /**
     * Whether the counters are registered as the MBean
     * {@code io.github.regionalrouter:type=Proxy,port=N} while the server runs; on unless set.
     *
     * @param enabled false to register no MBean
     * @return this builder
     */
    public Builder jmx(boolean enabled) {
      this.jmx = enabled;
      return this;
    }

    /**
     * Http1 engine only: whether client connections run on the {@link #eventLoops(int) event loops}
     * the forwarder's upstream connections run on, rather than with a thread each; on unless set. On the loop, a
     * connection waiting for its next request holds no thread, the forwarder is called on the loop
     * thread, and an answer is written to the client on the thread that read it from the upstream
     * (no hand-off to the executor) while the client's socket takes it at once. A request with a
     * body moves its connection to a thread of its own, as with this off. With it on, the
     * {@code RoutingListener} and the access log's slf4j appender are called on the loop thread:
     * they must not block (a listener must not anyway).
     *
     * @param on false to give each client connection a thread of its own
     * @return this builder
     */
    public Builder eventLoop(boolean on) {
      this.eventLoop = on;
      engineOptionsSet.put("eventLoop", Engine.HTTP1);
      return this;
    }

    /**
     * Http1 engine only: how many event loops carry the data path, each a thread with its own
     * selector, its own client connections (the acceptor hands them out in turn) and its own
     * upstream connection pools, so a request is read, forwarded and answered on one thread. Sets
     * {@link Forwarder.Builder#eventLoops} of the forwarder this server builds (with
     * {@link #forwarder(Forwarder)}, set it on that forwarder instead). The number of available
     * processors unless set; 1 to 1024.
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
      engineOptionsSet.put("eventLoops", Engine.HTTP1);
      return this;
    }

    /**
     * Adds the admin listener ({@code /ready}, {@code /stats}, {@code /clusters}, {@code /config})
     * on this address; none unless set. Use a loopback address: it has no authentication.
     *
     * @param address the admin listener's address and port; not null
     * @return this builder
     */
    public Builder admin(InetSocketAddress address) {
      this.adminAddress = Objects.requireNonNull(address, "admin");
      return this;
    }

    /**
     * The effective configuration, secrets redacted, that {@code /config} shows; empty unless set.
     *
     * @param redactedConfig called on each {@code /config} request; not null, must not return
     *     secrets
     * @return this builder
     */
    public Builder config(Supplier<Map<String, Object>> redactedConfig) {
      this.configSupplier = Objects.requireNonNull(redactedConfig, "config");
      return this;
    }

    /**
     * Creates the server and starts listening.
     *
     * @return the running server
     * @throws IllegalStateException if no router was set, if both {@link #forwarder(Forwarder)}
     *     and {@link #forwarderOptions} were set, if a given forwarder was built for another router,
     *     if an option of one engine only ({@link #headerTimeout}, {@link #maxRequestLineBytes},
     *     {@link #eventLoop}: http1; {@link #requestTimeLimit}: JDK server) was set with the other
     *     engine, or if the forwarder options make {@link Forwarder.Builder#build()} fail
     * @throws UncheckedIOException if the address cannot be bound
     */
    public RegionalProxyServer start() {
      if (router == null) {
        throw new IllegalStateException("router (expected: a RegionalRouter; none was set)");
      }
      if (forwarder != null && forwarderOptions != null) {
        throw new IllegalStateException("forwarder and forwarderOptions (expected: at most one:"
            + " forwarderOptions configure the forwarder this server builds, forwarder(Forwarder)"
            + " replaces it with one built by the caller)");
      }
      if (forwarder != null && eventLoops > 0) {
        throw new IllegalStateException("eventLoops (expected: unset with forwarder(Forwarder): the loops"
            + " are the given forwarder's, set Forwarder.Builder.eventLoops instead)");
      }
      if (forwarder != null && forwarder.router() != router) {
        throw new IllegalStateException("forwarder (expected: one built for this server's router)");
      }
      for (Map.Entry<String, Engine> option : engineOptionsSet.entrySet()) {
        if (option.getValue() != engine) {
          throw new IllegalStateException(option.getKey() + ": applies to engine " + option.getValue()
              + " only (expected: not set with engine " + engine + ", which would ignore it)");
        }
      }
      try {
        return new RegionalProxyServer(this).startServing();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
      }
    }

    private static void checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
      }
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    private static Duration nonNegative(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: >= 0)");
      }
      return d;
    }
  }

  static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }
}
