package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.config.ServerLimits;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict HTTP/1.1 server (RFC 9112) for the proxy's edge: it parses every request head byte for
 * byte and refuses, with a stated answer and a closed connection, whatever a lax parser could let
 * through to be read differently upstream: 400 for a bare CR or LF, folded or malformed header
 * lines, control bytes in values, a bad, repeated or listed {@code Content-Length}, both
 * {@code Content-Length} and {@code Transfer-Encoding}, two {@code Transfer-Encoding} lines,
 * {@code Transfer-Encoding} on HTTP/1.0, a missing or repeated {@code Host} on HTTP/1.1, an
 * invalid request-target, a malformed chunked body; 414 for a long request line; 431 for a large
 * or crowded header section; 501 for {@code CONNECT} and for any transfer coding other than
 * {@code chunked} alone (so {@code xchunked}, {@code chunked, identity}, {@code gzip, chunked});
 * 505 for versions other than HTTP/1.0 and 1.1. Error answers are short plain text with
 * {@code X-Router-Error: invalid_request} (4xx) and {@code Connection: close}. A head that is not
 * complete within the header timeout, or a body idle for the body idle timeout, closes the
 * connection without an answer.
 *
 * <p>Threads: blocking sockets, one task per connection while it reads a request head and calls
 * the {@link Http1Handler}. When the handler returns before completing the exchange, the task
 * ends: no thread waits for the answer. Completing the exchange submits a new task for the next
 * request. Body reads block the thread that reads; response writes block the thread that writes.
 *
 * <p>With {@link Builder#eventLoop}, connections start on event loops instead, dealt to them in
 * turn by the acceptor (see
 * {@link Http1Connection}): no thread per connection while it waits for a request or an answer,
 * non-blocking writes, and the handler called on the loop thread when it never blocks
 * ({@link Builder#nonBlockingHandler}). A connection stays on its loop for life, bodies included:
 * the loop reads a request body when its reader asks, without blocking for the fast lane of the
 * same loop, or for a blocking reader on another thread.
 *
 * <p>Immutable settings; thread-safe. Build with {@link #builder()}, then {@link #start()}.
 */
public final class Http1Server implements AutoCloseable {
  private static final AtomicInteger SERVERS = new AtomicInteger();
  private static final Logger log = LoggerFactory.getLogger(Http1Server.class);

  final Limits limits;
  final Http1Handler handler;
  final Executor executor;
  private final ExecutorService ownedExecutor;
  private final InetSocketAddress bindAddress;
  private final int backlog;
  private final Duration drainTimeout;
  private final int maxBorrowedThreads;
  private final boolean eventLoop;
  final boolean nonBlockingHandler;
  private final List<SelectorLoop> sharedLoops;
  private final int ownLoopCount;
  private volatile List<SelectorLoop> loops;
  private boolean ownLoops;
  private int nextLoop;
  private volatile ServerSocketChannel serverChannel;
  private volatile InetSocketAddress boundAddress;
  private final AtomicInteger borrowedThreads = new AtomicInteger();
  private final String name;
  private final Set<Http1Connection> connections = ConcurrentHashMap.newKeySet();
  private final Object drainLock = new Object();
  private volatile boolean draining;
  private volatile ServerSocket serverSocket;
  private Thread acceptor;
  private ScheduledExecutorService timer;
  private boolean closed;

  private Http1Server(Builder b) {
    this.limits = new Limits(b.maxRequestLineBytes, b.maxHeaderBytes, b.maxHeaders, b.headerTimeout.toNanos(),
        b.bodyIdleTimeout.toNanos(), b.keepAliveIdleTimeout.toNanos(), b.writeTimeout.toNanos());
    this.handler = b.handler;
    this.name = "http1-" + SERVERS.incrementAndGet();
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = defaultExecutor(name, b.maxThreads);
      this.executor = ownedExecutor;
    }
    this.bindAddress = new InetSocketAddress(b.address, b.port);
    this.backlog = b.backlog;
    this.drainTimeout = b.drainTimeout;
    this.maxBorrowedThreads = b.maxBorrowedThreads;
    this.eventLoop = b.eventLoop || b.loops != null;
    this.sharedLoops = b.loops;
    this.ownLoopCount = b.eventLoopCount;
    this.nonBlockingHandler = b.nonBlockingHandler;
  }

  /**
   * Starts building a server.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Virtual threads when the JVM has them (21+), else a bounded pool of daemon threads. */
  private static ExecutorService defaultExecutor(String name, int maxThreads) {
    try {
      Method m = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, name + "-worker-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * Binds and starts accepting connections.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started
   */
  public synchronized Http1Server start() throws IOException {
    if (boundAddress != null || closed) {
      throw new IllegalStateException("server already started");
    }
    Runnable accepting;
    if (eventLoop) {
      ServerSocketChannel ssc = ServerSocketChannel.open();
      try {
        ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ssc.bind(bindAddress, backlog);
      } catch (IOException | RuntimeException e) {
        closeQuietly(ssc);
        throw e;
      }
      serverChannel = ssc;
      boundAddress = (InetSocketAddress) ssc.getLocalAddress();
      if (sharedLoops != null && sharedLoops.stream().noneMatch(SelectorLoop::isClosed)) {
        loops = sharedLoops;
      } else {
        List<SelectorLoop> own = new ArrayList<>();
        for (int i = 0; i < ownLoopCount; i++) {
          own.add(new SelectorLoop(name + "-loop-" + (i + 1), now -> 1000));
        }
        loops = List.copyOf(own);
        ownLoops = true;
      }
      accepting = this::acceptChannels;
    } else {
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(bindAddress, backlog);
      serverSocket = ss;
      boundAddress = new InetSocketAddress(ss.getInetAddress(), ss.getLocalPort());
      accepting = this::acceptLoop;
    }
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, name + "-timer");
      th.setDaemon(true);
      return th;
    });
    long tick = limits.timerTickNanos();
    t.scheduleAtFixedRate(this::expireReads, tick, tick, TimeUnit.NANOSECONDS);
    timer = t;
    acceptor = new Thread(accepting, name + "-acceptor");
    acceptor.start();
    return this;
  }

  /**
   * The bound address (with the actual port when 0 was asked for).
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    InetSocketAddress a = boundAddress;
    if (a == null) {
      throw new IllegalStateException("server not started");
    }
    return a;
  }

  /**
   * Whether {@link #close(Duration)} has begun: no new connections; responses close theirs.
   *
   * @return true once closing has begun
   */
  public boolean draining() {
    return draining;
  }

  /**
   * The number of open connections.
   *
   * @return the open connection count
   */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * What ended one of the event loops this server deals connections to (see
   * {@link SelectorLoop#failure()}), or {@code null} while they all run (or it has none). A
   * connection dealt to a dead loop would never be served, so once one has died the acceptor
   * closes the listening socket at the next connection: the server stops accepting rather than
   * half-work.
   *
   * @return the failure that ended a loop, or {@code null}
   */
  public Throwable eventLoopFailure() {
    List<SelectorLoop> ls = loops;
    if (ls != null) {
      for (SelectorLoop l : ls) {
        Throwable t = l.failure();
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  private void acceptLoop() {
    ServerSocket ss = serverSocket;
    AcceptBackoff backoff = new AcceptBackoff(name, log);
    while (!ss.isClosed()) {
      Socket s = backoff.accept(ss::accept, ss::isClosed);
      if (s == null) {
        return;
      }
      Http1Connection c;
      try {
        s.setTcpNoDelay(true);
        c = new Http1Connection(this, s);
      } catch (IOException e) {
        closeQuietly(s);
        continue;
      }
      connections.add(c);
      if (draining) {
        c.close();
        continue;
      }
      try {
        executor.execute(c);
      } catch (RejectedExecutionException e) {
        c.rejectBusy();
      }
    }
  }

  /** Accepts connections onto the event loop. */
  private void acceptChannels() {
    ServerSocketChannel ssc = serverChannel;
    AcceptBackoff backoff = new AcceptBackoff(name, log);
    while (ssc.isOpen()) {
      SocketChannel ch = backoff.accept(ssc::accept, () -> !ssc.isOpen());
      if (ch == null) {
        return;
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException e) {
        closeQuietly(ch);
        continue;
      }
      if (eventLoopFailure() != null) {
        log.error("{}: an event loop died; no longer accepting connections on {}", name, boundAddress);
        closeQuietly(ch);
        closeQuietly(ssc);
        return;
      }
      // round-robin: each loop owns the connections handed to it, for their whole life
      SelectorLoop loop = loops.get(nextLoop);
      nextLoop = (nextLoop + 1) % loops.size();
      Http1Connection c = new Http1Connection(this, ch, loop);
      connections.add(c);
      if (draining) {
        c.close();
        continue;
      }
      loop.execute(c::startOnLoop);
    }
  }

  /** Takes one of the {@link Builder#maxBorrowedThreads} permits; false if none is left. */
  boolean borrowThread() {
    while (true) {
      int n = borrowedThreads.get();
      if (n >= maxBorrowedThreads) {
        return false;
      }
      if (borrowedThreads.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void returnThread() {
    borrowedThreads.decrementAndGet();
  }

  /** How many borrowed threads are serving connections now. */
  int borrowedThreadCount() {
    return borrowedThreads.get();
  }

  /** Closes the connections whose read or write is past its deadline. */
  private void expireReads() {
    long now = System.nanoTime();
    for (Http1Connection c : connections) {
      c.expire(now);
    }
  }

  void closed(Http1Connection c) {
    connections.remove(c);
    if (draining) {
      synchronized (drainLock) {
        drainLock.notifyAll();
      }
    }
  }

  /** Same as {@link #close(Duration)} with the builder's drain timeout. */
  @Override
  public void close() {
    close(drainTimeout);
  }

  /**
   * Stops: no new connections, idle connections closed at once, in-flight exchanges given up to
   * {@code drain} to complete (their connections then close), then every connection still open is
   * closed abruptly. Then the default executor, if used, is shut down. Blocks until done; a second
   * call returns at once.
   *
   * @param drain how long in-flight exchanges may take to complete; not null
   */
  public void close(Duration drain) {
    Objects.requireNonNull(drain, "drain");
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    draining = true;
    ServerSocket ss = serverSocket;
    if (ss != null) {
      closeQuietly(ss);
    }
    ServerSocketChannel ssc = serverChannel;
    if (ssc != null) {
      closeQuietly(ssc);
    }
    if (acceptor != null) {
      joinQuietly(acceptor);
    }
    for (Http1Connection c : connections) {
      c.closeIfIdle();
    }
    long deadline = System.nanoTime() + drain.toNanos();
    synchronized (drainLock) {
      while (!connections.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(drainLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    for (Http1Connection c : connections) {
      c.abort();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (ownLoops) {
      loops.forEach(SelectorLoop::close);
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  /**
   * Builds an {@link Http1Server}. Not thread-safe; {@link #build()} does not change the builder.
   */
  public static final class Builder {
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private int backlog = 1024;
    private Http1Handler handler;
    private Executor executor;
    private int maxThreads = 512;
    // the limits the config file also sets have their defaults declared once, in ServerLimits
    private int maxRequestLineBytes = ServerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES;
    private int maxHeaderBytes = ServerLimits.DEFAULT_MAX_HEADER_BYTES;
    private int maxHeaders = ServerLimits.DEFAULT_MAX_HEADERS;
    private Duration headerTimeout = ServerLimits.DEFAULT_HEADER_TIMEOUT;
    private Duration bodyIdleTimeout = ServerLimits.DEFAULT_BODY_IDLE_TIMEOUT;
    private Duration keepAliveIdleTimeout = Duration.ofSeconds(60);
    private Duration drainTimeout = ServerLimits.DEFAULT_DRAIN_TIMEOUT;
    private Duration writeTimeout = Duration.ofSeconds(30);
    private int maxBorrowedThreads;
    private boolean eventLoop;
    private boolean nonBlockingHandler;
    private List<SelectorLoop> loops;
    private int eventLoopCount = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /**
     * Whether connections start on an event loop (non-blocking; see {@link Http1Server}) rather
     * than with a task of the executor each; false unless set.
     *
     * @param on true to run connections on event loops
     * @return this builder
     */
    public Builder eventLoop(boolean on) {
      this.eventLoop = on;
      return this;
    }

    /**
     * The event loops to run connections on, shared with their owner (for the proxy: the fast
     * lane's, so a request read on a loop is sent upstream, answered and written back on that same
     * thread); implies {@link #eventLoop eventLoop(true)}. The acceptor hands accepted connections
     * to them in turn; a connection stays on its loop. Not closed by the server. Unless set, an
     * event-loop server runs {@link #eventLoops(int)} loops of its own.
     *
     * @param loops the loops; not null, not empty
     * @return this builder
     * @throws IllegalArgumentException if {@code loops} is empty
     */
    public Builder eventLoops(List<SelectorLoop> loops) {
      Objects.requireNonNull(loops, "loops");
      if (loops.isEmpty()) {
        throw new IllegalArgumentException("eventLoops: [] (expected: at least one loop)");
      }
      this.loops = List.copyOf(loops);
      return this;
    }

    /**
     * How many event loops of its own an event-loop server runs when none are
     * {@linkplain #eventLoops(List) given}; the number of available processors unless
     * set; 1 to 1024.
     *
     * @param count the number of loops, 1-1024
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is out of range
     */
    public Builder eventLoops(int count) {
      if (count < 1 || count > 1024) {
        throw new IllegalArgumentException("eventLoops: " + count + " (expected: 1-1024)");
      }
      this.eventLoopCount = count;
      return this;
    }

    /**
     * Whether the handler never blocks, so that an event-loop server may call it on the loop
     * thread (else it is called on the executor); false unless set. Such a handler must not read
     * a request body on the loop thread: it hands the {@linkplain Http1Exchange#requestBody()
     * body} to another thread, or to a reader on the same loop that reads it without blocking.
     *
     * @param never true if the handler never blocks
     * @return this builder
     */
    public Builder nonBlockingHandler(boolean never) {
      this.nonBlockingHandler = never;
      return this;
    }

    /**
     * The address to bind; the loopback address unless set.
     *
     * @param address the address; not null
     * @return this builder
     */
    public Builder address(InetAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The port to bind, 0 for an ephemeral one; 0 unless set.
     *
     * @param port the port, 0-65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
      }
      this.port = port;
      return this;
    }

    /**
     * The listen backlog; 1024 unless set.
     *
     * @param backlog the backlog; positive
     * @return this builder
     */
    public Builder backlog(int backlog) {
      this.backlog = positive(backlog, "backlog");
      return this;
    }

    /**
     * The request handler; required.
     *
     * @param handler the handler; not null
     * @return this builder
     */
    public Builder handler(Http1Handler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * The executor that runs connection tasks (reading request heads, calling the handler). Not
     * shut down by the server. Unless set: virtual threads when the JVM has them (21+), else a pool
     * of at most {@link #maxThreads} daemon threads; a connection no thread can take is answered
     * 503 and closed.
     *
     * @param executor the executor; not null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The bound of the default platform-thread pool (JDK 17-20); 512 unless set. A thread is held
     * by each connection that is reading a request head or waiting for its next request (up to the
     * keep-alive timeout), not by one whose exchange waits for the handler to complete it. So this
     * also bounds idle kept-alive connections; on JDK 21+ virtual threads have no such bound.
     *
     * @param maxThreads the pool bound; positive
     * @return this builder
     */
    public Builder maxThreads(int maxThreads) {
      this.maxThreads = positive(maxThreads, "maxThreads");
      return this;
    }

    /** The longest request line, CRLF excluded; longer is answered 414.
     * {@value ServerLimits#DEFAULT_MAX_REQUEST_LINE_BYTES} unless set.
     *
     * @param bytes the limit in bytes; positive
     * @return this builder
     */
    public Builder maxRequestLineBytes(int bytes) {
      this.maxRequestLineBytes = positive(bytes, "maxRequestLineBytes");
      return this;
    }

    /** The largest header section (all field lines); larger is answered 431.
     * {@value ServerLimits#DEFAULT_MAX_HEADER_BYTES} unless set.
     *
     * @param bytes the limit in bytes; positive
     * @return this builder
     */
    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = positive(bytes, "maxHeaderBytes");
      return this;
    }

    /** The most header fields; more are answered 431.
     * {@value ServerLimits#DEFAULT_MAX_HEADERS} unless set. Also bounds trailers.
     *
     * @param count the limit; positive
     * @return this builder
     */
    public Builder maxHeaders(int count) {
      this.maxHeaders = positive(count, "maxHeaders");
      return this;
    }

    /**
     * The time a whole request head has to arrive, counted from the connection's accept (first
     * request) or the request's first byte (later ones); then the connection is closed. 30 s
     * unless set.
     *
     * @param timeout the header timeout; not null, positive
     * @return this builder
     */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = positive(timeout, "headerTimeout");
      return this;
    }

    /**
     * The longest wait for the next request body byte; then reading the body throws and the
     * connection is closed. 30 s unless set.
     *
     * @param timeout the body idle timeout; not null, positive
     * @return this builder
     */
    public Builder bodyIdleTimeout(Duration timeout) {
      this.bodyIdleTimeout = positive(timeout, "bodyIdleTimeout");
      return this;
    }

    /**
     * The longest wait for the next request on a kept-alive connection. 60 s unless set.
     *
     * @param timeout the keep-alive idle timeout; not null, positive
     * @return this builder
     */
    public Builder keepAliveIdleTimeout(Duration timeout) {
      this.keepAliveIdleTimeout = positive(timeout, "keepAliveIdleTimeout");
      return this;
    }

    /**
     * The longest a single socket write may block (the client reads nothing); then the connection
     * is closed and the write throws. So a client that stops reading cannot hold a writing thread.
     * 30 s unless set.
     *
     * @param timeout the write timeout; not null, positive
     * @return this builder
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = positive(timeout, "writeTimeout");
      return this;
    }

    /**
     * How many connections may at once go on, after an exchange completed from a task run through
     * {@code io.github.regionalrouter.internal.TaskTail} (the forwarder's sink calls), on that
     * task's thread: the thread that wrote the answer reads the next request head, instead of
     * handing the connection to a new task of the server's executor. Such a thread is held while
     * the connection waits for its next request, so this must leave the lending executor threads
     * for its own work: 0 (never borrow) unless set; unbounded is fine for virtual threads.
     *
     * @param max the most borrowing connections at once; 0 or more
     * @return this builder
     */
    public Builder maxBorrowedThreads(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxBorrowedThreads: " + max + " (expected: >= 0)");
      }
      this.maxBorrowedThreads = max;
      return this;
    }

    /**
     * The drain timeout {@link Http1Server#close()} uses. 10 s unless set.
     *
     * @param timeout the drain timeout; not null, zero or more
     * @return this builder
     */
    public Builder drainTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "drainTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: >= 0)");
      }
      this.drainTimeout = timeout;
      return this;
    }

    /**
     * Builds the server (not started).
     *
     * @return a new server, not started
     * @throws IllegalStateException if no handler was set
     */
    public Http1Server build() {
      if (handler == null) {
        throw new IllegalStateException("handler not set");
      }
      return new Http1Server(this);
    }

    private static int positive(int v, String name) {
      if (v <= 0) {
        throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
      }
      return v;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
