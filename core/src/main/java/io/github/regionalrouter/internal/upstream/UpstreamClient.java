package io.github.regionalrouter.internal.upstream;

import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lean non-blocking HTTP/1.1 client for plain-TCP requests (with or without a body), with the contract
 * of {@link java.net.http.HttpClient#sendAsync}: the body handler is applied once the status and
 * headers are in, its subscriber gets the (de-chunked) body within the demand it signals, and the
 * future completes when the body has been read, or exceptionally with the exception types
 * {@code java.net.http} uses ({@link ConnectException}, {@link HttpConnectTimeoutException},
 * {@link HttpTimeoutException}, {@link java.net.ProtocolException}, {@link IOException}).
 *
 * <p>Threads: one {@link SelectorLoop} (a daemon thread, started by the constructor; see
 * {@link #loop()}) connects, reads, parses and enforces timeouts; it calls the body handler and the
 * subscriber, which must therefore never block. Other channels may be registered on that loop.
 * {@link #send} called on the loop's thread starts the request there and then (a pooled
 * connection's head is written at once); from any other thread it hands the request to the loop.
 * Pooled connections stay registered for reads, so one the upstream closes leaves the pool at
 * once (a request still probes the one it takes with a read, for bytes that came since). Host names
 * that are not IP literals are resolved, and request bodies read (blocking, one chunk at a time,
 * each only after the previous one is written), on the {@code blockingWork} executor; a body that
 * is a {@link io.github.regionalrouter.internal.loop.LoopBody} of this client's loop is read by
 * the loop itself, without blocking.
 *
 * <p>Connections are pooled per endpoint, newest first, and reused only after the request body was
 * sent whole, the response body read to its end, and neither side asked to close. A request whose
 * pooled connection turns out to be dead before any response byte is retried once on a new
 * connection when its method is idempotent and no byte of its body was read yet. Thread-safe.
 */
public final class UpstreamClient implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
  private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Executor blockingWork;
  private final int maxIdlePerEndpoint;
  private final long idleTimeoutNanos;
  private final ConcurrentHashMap<Endpoint, Pool> pools = new ConcurrentHashMap<>();
  /** Connections serving an exchange. Selector thread only. */
  final HashSet<Conn> busy = new HashSet<>();
  private volatile boolean closed;
  /** Created last in the constructor: its thread may tick as soon as it exists. */
  private final SelectorLoop loop;
  /** Open connections (a connection counts from its socket's opening to its close). */
  final AtomicInteger open = new AtomicInteger();

  /**
   * Starts a client and its selector thread.
   *
   * @param blockingWork runs what may block: host name lookups (DNS), and reads of request bodies
   *     that are not on this client's loop
   * @param maxIdlePerEndpoint the most idle connections kept per endpoint, {@code >= 0}
   * @param idleTimeout how long an idle connection is kept, {@code > 0}
   * @throws UncheckedIOException if no selector can be opened
   */
  public UpstreamClient(Executor blockingWork, int maxIdlePerEndpoint, Duration idleTimeout) {
    this.blockingWork = Objects.requireNonNull(blockingWork, "blockingWork");
    if (maxIdlePerEndpoint < 0) {
      throw new IllegalArgumentException("maxIdlePerEndpoint: " + maxIdlePerEndpoint + " (expected: >= 0)");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
    }
    this.maxIdlePerEndpoint = maxIdlePerEndpoint;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.loop = new SelectorLoop("regional-router-loop-" + THREADS.incrementAndGet(), new Ticks());
  }

  /**
   * The loop this client's connections run on. Other channels may be registered on it (their
   * handlers must never block); it is closed, with every channel registered on it, by
   * {@link #close()}.
   */
  public SelectorLoop loop() {
    return loop;
  }

  /** Runs the blocking request-body reads. */
  Executor bodyExecutor() {
    return blockingWork;
  }

  static boolean isIdempotent(String method) {
    return IDEMPOTENT.contains(method);
  }

  /**
   * Sends {@code method pathAndQuery} without a body to {@code endpoint} (plain http).
   *
   * @param headers name/value pairs, sent as given after {@code Host}; must not contain
   *     {@code Host}, {@code Content-Length}, {@code Transfer-Encoding} or {@code Connection}
   * @param responseTimeout how long the status and headers may take, from now
   * @return completes when the body has been read (or cancelled, exceptionally); exceptionally
   *     with {@link IllegalArgumentException} when the method, target or a header cannot be sent
   */
  public CompletableFuture<Void> send(Endpoint endpoint, String method, String pathAndQuery, List<String[]> headers,
      String hostHeader, Duration connectTimeout, Duration responseTimeout, HttpResponse.BodyHandler<Void> handler) {
    return send(endpoint, method, pathAndQuery, headers, hostHeader, connectTimeout, responseTimeout, null, 0, handler);
  }

  /**
   * Sends {@code method pathAndQuery} with the body read from {@code body} (plain http): framed
   * by {@code Content-Length} when {@code bodyLength >= 0}, chunked when {@code -1}; without a
   * body when {@code body} is null (then {@code bodyLength} must be 0). The stream is read on the
   * executor given to the constructor (blocking reads are fine there), one chunk of at most
   * {@value Exchange#BODY_CHUNK} bytes at a time, each read only once the previous chunk is
   * written. It is not closed. The request is never retried once a byte of the body was read.
   *
   * <p>An upstream that answers before the body is whole gets no more of it, and the connection
   * is not reused. A failing stream (or one that ends before {@code bodyLength}) closes the
   * upstream connection before the body's end and fails the future with a
   * {@link RequestBodyException}, unless the answer was already in.
   *
   * @see #send(Endpoint, String, String, List, String, Duration, Duration, HttpResponse.BodyHandler)
   */
  public CompletableFuture<Void> send(Endpoint endpoint, String method, String pathAndQuery, List<String[]> headers,
      String hostHeader, Duration connectTimeout, Duration responseTimeout, java.io.InputStream body,
      long bodyLength, HttpResponse.BodyHandler<Void> handler) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    ByteBuffer head;
    try {
      if (endpoint.isSecure()) {
        throw new IllegalArgumentException("endpoint " + endpoint + " (expected: http)");
      }
      if (body == null ? bodyLength != 0 : bodyLength == 0 || bodyLength < -1) {
        throw new IllegalArgumentException("bodyLength: " + bodyLength
            + (body == null ? " (expected: 0 without a body)" : " (expected: -1 or > 0 with a body)"));
      }
      head = RequestHead.encode(method, pathAndQuery, hostHeader, headers, bodyLength);
    } catch (IllegalArgumentException e) {
      f.completeExceptionally(e);
      return f;
    }
    Exchange x = new Exchange(this, endpoint, method, head, body, bodyLength, handler, f, connectTimeout.toNanos(),
        System.nanoTime() + responseTimeout.toNanos());
    if (isClosed()) {
      f.completeExceptionally(new IOException("upstream client is closed"));
      return f;
    }
    if (loop.inLoop()) {
      start(x);
    } else {
      execute(() -> start(x));
    }
    return f;
  }

  /**
   * Sends {@code x} on a pooled connection, or opens one. Selector thread.
   */
  private void start(Exchange x) {
    if (isClosed()) {
      x.fail(new IOException("upstream client is closed"));
      return;
    }
    Pool pool = pool(x.endpoint);
    Conn c;
    while ((c = pool.poll()) != null && !c.stillIdle()) {
      c.close(); // closed or spoken on since the selector last looked
    }
    if (c != null) {
      c.begin(x);
      x.reused = true;
      try {
        c.ch.write(x.request);
      } catch (IOException e) {
        c.close();
        if (!x.idempotent) {
          x.fail(new UpstreamClosedException("upstream closed a reused connection before answering", e));
          return;
        }
        x.retried = true;
        x.reused = false;
        x.request.position(0);
        connect(x);
        return;
      }
      c.activate(!x.request.hasRemaining());
      return;
    }
    connect(x);
  }

  /** An idle pooled connection became readable: the upstream closed it, or sent unasked bytes. Selector thread. */
  void idleReadable(Conn c) {
    Pool p = pools.get(c.endpoint);
    if (p != null) {
      p.remove(c);
    }
    c.close();
  }

  /** The number of open connections, busy or idle. */
  public int openConnections() {
    return open.get();
  }

  /** The number of idle pooled connections to {@code endpoint}. */
  public int idleConnections(Endpoint endpoint) {
    Pool p = pools.get(endpoint);
    return p == null ? 0 : p.size();
  }

  /**
   * Stops the loop: requests in flight fail with an {@link IOException}, pooled connections are
   * closed, and so is every other channel registered on the loop. Returns once the loop's thread
   * has ended (at most about a second) unless called on it.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.close();
  }

  /** Whether {@link #close()} was called or the loop failed. */
  boolean isClosed() {
    return closed || loop.isClosed();
  }

  /**
   * Runs {@code task} on the selector thread (inline once the thread has ended). From the
   * selector thread itself it runs after the current selection, without waking the selector.
   */
  void execute(Runnable task) {
    loop.execute(task);
  }

  private Pool pool(Endpoint ep) {
    Pool p = pools.get(ep);
    return p != null ? p : pools.computeIfAbsent(ep, e -> new Pool());
  }

  /** Opens a new connection for {@code x}. Selector thread. */
  void connect(Exchange x) {
    if (isClosed()) {
      x.fail(new IOException("upstream client is closed"));
      return;
    }
    Endpoint ep = x.endpoint;
    if (ep.isIpLiteral()) {
      open(x, new InetSocketAddress(ep.host(), ep.port()));
      return;
    }
    try {
      blockingWork.execute(() -> {
        InetSocketAddress a;
        try {
          a = new InetSocketAddress(InetAddress.getByName(ep.host()), ep.port());
        } catch (UnknownHostException e) {
          ConnectException ce = new ConnectException("cannot resolve " + ep.host());
          ce.initCause(e);
          execute(() -> x.fail(ce));
          return;
        }
        execute(() -> open(x, a));
      });
    } catch (RuntimeException e) {
      x.fail(new IOException("cannot resolve " + ep.host() + ": the executor refused the lookup", e));
    }
  }

  private void open(Exchange x, InetSocketAddress address) {
    if (isClosed()) {
      x.fail(new IOException("upstream client is closed"));
      return;
    }
    SocketChannel ch;
    try {
      ch = SocketChannel.open();
    } catch (IOException e) {
      x.fail(e);
      return;
    }
    Conn c = new Conn(this, x.endpoint, ch);
    c.begin(x);
    busy.add(c);
    try {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      c.key = loop.register(ch, 0, c);
      c.connecting = true;
      c.connectDeadline = System.nanoTime() + x.connectTimeoutNanos;
      if (ch.connect(address)) {
        c.onConnectable();
      } else {
        c.setInterest(SelectionKey.OP_CONNECT);
      }
    } catch (IOException | RuntimeException e) {
      c.fail(e);
    }
  }

  /** Pools {@code c} after a complete response, or closes it. Selector thread. */
  void release(Conn c) {
    c.idleSince = System.nanoTime();
    if (isClosed() || !pool(c.endpoint).offer(c, maxIdlePerEndpoint)) {
      c.close();
    }
  }

  /** The client's periodic work, and its end, on the loop thread. */
  private final class Ticks implements SelectorLoop.Housekeeper {
    private long lastCheck = System.nanoTime();
    private long lastSweep = lastCheck;

    @Override
    public long tick(long now) {
      if (!busy.isEmpty() && now - lastCheck >= CHECK_NANOS) {
        lastCheck = now;
        checkDeadlines(now);
      }
      if (now - lastSweep >= SWEEP_NANOS) {
        lastSweep = now;
        sweep(now);
      }
      return busy.isEmpty() ? 1000 : 10;
    }

    /** Fails the requests in flight and closes the pooled connections. */
    @Override
    public void stopped() {
      closed = true;
      IOException gone = new IOException("upstream client is closed");
      for (Conn c : new ArrayList<>(busy)) {
        c.fail(gone);
      }
      for (Pool p : pools.values()) {
        p.sweep(Long.MAX_VALUE, -1);
      }
    }
  }

  private void checkDeadlines(long now) {
    List<Conn> expired = null;
    for (Conn c : busy) {
      Exchange x = c.x;
      if (x == null) {
        continue;
      }
      if ((c.connecting && now - c.connectDeadline >= 0) || (c.phase == Conn.HEAD && now - x.deadline >= 0)) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(c);
      }
    }
    if (expired != null) {
      for (Conn c : expired) {
        // like java.net.http: the request timeout also covers connecting
        c.fail(c.connecting && now - c.connectDeadline >= 0 ? new HttpConnectTimeoutException("HTTP connect timed out")
            : new HttpTimeoutException("request timed out"));
      }
    }
  }

  private void sweep(long now) {
    for (Pool p : pools.values()) {
      p.sweep(now, idleTimeoutNanos);
    }
  }

  /** Idle connections to one endpoint, newest first. */
  private static final class Pool {
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();

    synchronized Conn poll() {
      return idle.pollFirst();
    }

    synchronized boolean offer(Conn c, int max) {
      if (idle.size() >= max) {
        return false;
      }
      idle.addFirst(c);
      return true;
    }

    synchronized int size() {
      return idle.size();
    }

    synchronized boolean remove(Conn c) {
      return idle.remove(c);
    }

    void sweep(long now, long timeoutNanos) {
      List<Conn> old = null;
      synchronized (this) {
        Conn c;
        while ((c = idle.peekLast()) != null && (timeoutNanos < 0 || now - c.idleSince >= timeoutNanos)) {
          idle.pollLast();
          if (old == null) {
            old = new ArrayList<>();
          }
          old.add(c);
        }
      }
      if (old != null) {
        for (Conn c : old) {
          c.close();
        }
      }
    }
  }
}
