package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.TaskTail;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection. As a task it reads request heads and calls the handler; when the handler
 * returns before the response is complete, the task ends and holds no thread: the exchange's
 * {@code complete()} submits a new task for the next request (or, when the handler completed it
 * synchronously, the same task goes on; or, when it was completed from a {@link TaskTail} task and
 * the server may borrow another thread, that thread reads the next request once its task ends).
 *
 * <p>On an event loop ({@link Http1Server.Builder#eventLoop}) a connection is non-blocking for
 * life, registered on the loop: the loop reads and parses request heads, calls the handler (on the
 * loop thread when the handler never blocks, else on the executor), and writes what the client's
 * socket takes at once ({@link LoopWriter} keeps the rest). A request body is read by the loop too,
 * when its reader asks ({@link BodyInputStream} is a {@code LoopBody}): reading stops while nobody
 * asks, so a client sends no faster than its body is taken. So a connection waiting for its next
 * request, for discovery, for the upstream or for its client's body holds no thread, and an answer
 * can be written on the thread that read it from the upstream.
 */
final class Http1Connection implements Runnable, SelectorLoop.Handler {
  /** Waiting for the first byte of a request: may be closed at once when the server closes. */
  static final int IDLE = 0;
  /** Reading a request, or an exchange in progress. */
  static final int ACTIVE = 1;
  static final int CLOSED = 2;

  private final Http1Server server;
  private final Socket socket;
  final Http1Input input;
  /** This connection's request-head parser; it keeps the state of a head cut across reads. */
  private final RequestHeadParser headParser;
  final ResponseOutput output;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final long acceptedNanos;
  private boolean first = true;
  private Http1Exchange previous;
  /** The exchange in progress on the loop, null between exchanges. Loop thread (set), any (read). */
  private volatile Http1Exchange current;
  private final AtomicBoolean socketClosed = new AtomicBoolean();

  // ---- event-loop mode (channel and loop are null for a connection that is blocking from the start)
  private final SocketChannel channel;
  private final SelectorLoop loop;
  /** Whether the connection lives on an event loop (else it is blocking for life). */
  final boolean onLoop;
  private SelectionKey key; // loop thread
  /** When the loop's wait for a head (or the lingering close) ends, 0 when none; the timer enforces it. */
  private volatile long loopDeadline;
  private boolean headStarted; // loop thread
  private volatile boolean lingering;
  private long lingered; // loop thread
  /** An exchange is in progress: the loop parses nothing meanwhile. Guarded by this. */
  private boolean exchangeActive;
  /** The client closed its side. Guarded by this. */
  private boolean inputEnded;
  /** Reading stopped while an exchange is in progress, with bytes of the next request kept. Guarded by this. */
  private boolean readPaused;
  /** Waits for more of the request body (set by {@link #awaitBody}); run when the socket is readable. */
  private volatile Runnable bodyWaiter;

  Http1Connection(Http1Server server, Socket socket) {
    this(server, socket, null, null);
  }

  Http1Connection(Http1Server server, SocketChannel channel, SelectorLoop loop) {
    this(server, channel.socket(), channel, loop);
  }

  private Http1Connection(Http1Server server, Socket socket, SocketChannel channel, SelectorLoop loop) {
    this.server = server;
    this.socket = socket;
    this.channel = channel;
    this.loop = loop;
    this.acceptedNanos = System.nanoTime();
    this.input = new Http1Input(socket, 16 * 1024);
    this.headParser = new RequestHeadParser(server.limits);
    this.output = new ResponseOutput(socket, server.limits.writeTimeoutNanos());
    this.onLoop = loop != null;
    if (onLoop) {
      output.loopWriter = new LoopWriter(this, channel, loop);
    }
  }

  Http1Server server() {
    return server;
  }

  Limits limits() {
    return server.limits;
  }

  InetSocketAddress remoteAddress() {
    return (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  /** The blocking mode's connection task. */
  @Override
  public void run() {
    try {
      while (true) {
        if (previous != null && !previous.drainBody()) {
          lingerAndClose(); // its answer is out; more of its body may still come
          return;
        }
        previous = null;
        Http1Exchange ex = nextExchange();
        if (ex == null) {
          return;
        }
        previous = ex;
        if (!callHandler(ex)) {
          return;
        }
      }
    } catch (RuntimeException | Error e) {
      abort();
      throw e;
    }
  }

  /** Calls the handler on this thread; true if it completed the exchange and the connection goes on. */
  private boolean callHandler(Http1Exchange ex) {
    ex.handlerThread = Thread.currentThread();
    try {
      server.handler.handle(ex);
    } catch (Throwable t) {
      ex.handlerFailed(t);
    }
    ex.handlerThread = null;
    return ex.continueInline;
  }

  /** {@link #run} on a thread borrowed from the executor that completed the last exchange. */
  private void runBorrowed() {
    try {
      run();
    } finally {
      server.returnThread();
    }
  }

  /** Reads the next request head; null when the connection was closed instead. */
  private Http1Exchange nextExchange() {
    Limits limits = server.limits;
    try {
      if (!input.hasBuffered()) {
        state.set(IDLE);
        // after IDLE is visible: a close() that began before sees it, or this sees draining
        if (server.draining()) {
          close();
          return null;
        }
        long wait = first ? acceptedNanos + limits.headerTimeoutNanos() - System.nanoTime()
            : limits.keepAliveIdleTimeoutNanos();
        if (wait <= 0 || input.fill(System.nanoTime() + wait, 1) < 0) {
          close();
          return null;
        }
      }
      if (!state.compareAndSet(IDLE, ACTIVE) && state.get() != ACTIVE) {
        close();
        return null;
      }
      long deadline = (first ? acceptedNanos : System.nanoTime()) + limits.headerTimeoutNanos();
      first = false;
      ParsedRequestHead head = ParsedRequestHead.read(input, headParser, deadline);
      return new Http1Exchange(this, head);
    } catch (RejectedRequestException e) {
      if (writeError(e.status, e.getMessage())) {
        lingerAndClose();
      } else {
        abort();
      }
      return null;
    } catch (IOException e) {
      // end of stream, reset, header timeout, or closed by the server: nothing to answer; expected
      // on the hot path, so DEBUG
      org.slf4j.LoggerFactory.getLogger(Http1Connection.class).debug("connection ended before a request head", e);
      close();
      return null;
    }
  }

  /** Called once the response is written: the next request, or close. */
  void exchangeDone(Http1Exchange ex, boolean keepAlive) {
    if (onLoop) {
      exchangeDoneOnLoop(ex, keepAlive);
      return;
    }
    if (!keepAlive || server.draining()) {
      closeAfter(ex);
      return;
    }
    if (ex.handlerThread == Thread.currentThread()) {
      ex.continueInline = true;
      return;
    }
    // completed from the forwarder's sink call: read the next head on this thread once the call
    // has ended (one hand-off less per request), within the server's limit of borrowed threads
    if (server.borrowThread()) {
      if (TaskTail.defer(this::runBorrowed)) {
        return;
      }
      server.returnThread();
    }
    try {
      server.executor.execute(this);
    } catch (RejectedExecutionException e) {
      close();
    }
  }

  /**
   * Writes a complete error response ({@code Connection: close}, {@code X-Router-Error:
   * invalid_request} for a 4xx). Returns false if the client is gone.
   */
  boolean writeError(int status, String reason) {
    byte[] text = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      output.reset(0);
      output.statusLineOf(status);
      output.trustedHeader("Content-Type", "text/plain; charset=utf-8");
      output.trustedHeader("Content-Length", Integer.toString(text.length));
      if (status >= 400 && status < 500) {
        output.trustedHeader("X-Router-Error", "invalid_request");
      }
      output.trustedHeader("Connection", "close");
      output.endHead();
      output.raw(text, 0, text.length);
      output.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Closes without destroying the answer just sent when the client may still be sending (an
   * unread request body, pipelined bytes): closing a socket with unread input resets the
   * connection, and a reset makes the client's TCP drop what it has not read yet, our answer
   * included, or fails the client's write of the rest of its upload before it reads the answer.
   * So: stop sending (FIN), discard what the client still sends for at most
   * {@link Limits#LINGER_NANOS} and {@link Limits#LINGER_BYTES} (like nginx's lingering close),
   * then close.
   */
  void lingerAndClose() {
    if (onLoop) {
      onLoop(() -> output.loopWriter.whenFlushed(this::startLingering));
      return;
    }
    if (state.getAndSet(CLOSED) == CLOSED) {
      return;
    }
    try {
      socket.shutdownOutput();
      long end = System.nanoTime() + Limits.LINGER_NANOS;
      long discarded = 0;
      input.pos = input.lim;
      while (discarded < Limits.LINGER_BYTES) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        long n = input.skip(Long.MAX_VALUE, end);
        if (n < 0) {
          break;
        }
        discarded += n;
      }
    } catch (IOException ignored) {
      // closing anyway
    } finally {
      closeSocket();
    }
  }

  /**
   * Closes, lingering first if the client may still be sending (see {@link #lingerAndClose}). The
   * lingering waits on the client, so it runs after the completing task (its bookkeeping done
   * first) or on the server's executor, never holding up the thread that completed.
   */
  private void closeAfter(Http1Exchange ex) {
    if (!input.hasBuffered() && ex.bodyConsumed()) {
      close();
      return;
    }
    if (TaskTail.defer(this::lingerAndClose)) {
      return;
    }
    try {
      server.executor.execute(this::lingerAndClose);
    } catch (RejectedExecutionException e) {
      lingerAndClose();
    }
  }

  /** Closes in order: what was written still reaches the client. */
  void close() {
    if (deferUntilFlushed(this::close)) {
      return;
    }
    if (state.getAndSet(CLOSED) != CLOSED) {
      closeSocket();
    }
  }

  /** Closes with a reset (SO_LINGER 0): the client sees an incomplete response as incomplete. */
  void abort() {
    if (state.getAndSet(CLOSED) != CLOSED) {
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException ignored) {
        // closing anyway
      }
      closeSocket();
    }
  }

  /** Called by the server's timer: closes the connection if its read or write is past its deadline. */
  void expire(long now) {
    if (output.expire(now)) {
      abort(); // unsent bytes: a plain close would leave them queued for a client that reads nothing
    } else if (onLoop) {
      long d = loopDeadline;
      if (d != 0 && now - d >= 0) {
        if (lingering) {
          closeSocket();
        } else if (bodyWaiter != null) {
          loopDeadline = 0;
          loop.execute(this::bodyTimedOut);
        } else {
          close(); // no (complete) head in time: closed without an answer
        }
      }
    } else if (input.expire(now)) {
      close();
    }
  }

  /** Closes if waiting for a request; true if it did (or was closed already). */
  boolean closeIfIdle() {
    if (state.compareAndSet(IDLE, CLOSED)) {
      if (!deferUntilFlushed(this::closeSocket)) { // the last answer still goes out whole
        closeSocket();
      }
      return true;
    }
    return state.get() == CLOSED;
  }

  /** Answers 503 when no thread can take the connection (on the accepting thread: small, no wait). */
  void rejectBusy() {
    state.set(ACTIVE);
    writeError(503, "server busy");
    close();
  }

  private void closeSocket() {
    if (!socketClosed.compareAndSet(false, true)) {
      return;
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // irrelevant: the descriptor is released either way and nothing more goes to this client
    }
    LoopWriter w = output.loopWriter;
    if (w != null) {
      w.closed();
    }
    Runnable waiter = bodyWaiter;
    if (waiter != null) {
      // the body's reader finds the connection closed
      bodyWaiter = null;
      onLoop(waiter);
    }
    if (onLoop && !loop.inLoop()) {
      // a registered channel's socket is closed by its selector's next selection: wake it
      loop.execute(() -> { });
    }
    server.closed(this);
  }

  // ---- event-loop mode

  /**
   * On the loop with written bytes the socket has not taken yet: runs {@code then} on the loop once
   * they are out, and returns true. Else false, and nothing is run.
   */
  private boolean deferUntilFlushed(Runnable then) {
    LoopWriter w = output.loopWriter;
    if (!onLoop || w == null || w.flushed()) {
      return false;
    }
    onLoop(() -> w.whenFlushed(then));
    return true;
  }

  /** Runs {@code r} on the loop: now when on its thread, else after its current selection. */
  private void onLoop(Runnable r) {
    if (loop.inLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  /** Registers with the loop and waits for the first request. Loop thread. */
  void startOnLoop() {
    loopDeadline = acceptedNanos + server.limits.headerTimeoutNanos();
    register();
  }

  private void register() {
    if (state.get() == CLOSED) {
      return;
    }
    try {
      key = loop.register(channel, SelectionKey.OP_READ, this);
    } catch (IOException | RuntimeException e) {
      abort();
      return;
    }
    if (server.draining()) {
      closeIfIdle();
    }
  }

  SelectorLoop loop() {
    return loop;
  }

  SocketChannel channel() {
    return channel;
  }

  /**
   * Runs {@code then} once the socket is readable, for the request body's reader; meanwhile the
   * body idle timeout runs. Loop thread.
   */
  void awaitBody(Runnable then) {
    if (state.get() == CLOSED) {
      loop.execute(then); // it finds the connection closed
      return;
    }
    bodyWaiter = then;
    loopDeadline = System.nanoTime() + server.limits.bodyIdleTimeoutNanos();
    synchronized (this) {
      readPaused = false;
    }
    interest(SelectionKey.OP_READ, true);
  }

  /** No body byte came for the body idle timeout: the body fails, its reader is told. Loop thread. */
  private void bodyTimedOut() {
    Runnable waiter = bodyWaiter;
    if (waiter == null) {
      return; // a byte came meanwhile
    }
    bodyWaiter = null;
    Http1Exchange ex = current;
    if (ex != null && ex.body() != null) {
      ex.body().timedOut(); // closes the connection
    }
    waiter.run();
  }

  /** Turns {@code op} on or off in the key's interest set. Loop thread. */
  void interest(int op, boolean on) {
    SelectionKey k = key;
    if (k == null) {
      return;
    }
    try {
      int ops = k.interestOps();
      int want = on ? ops | op : ops & ~op;
      if (want != ops) {
        k.interestOps(want);
      }
    } catch (CancelledKeyException e) {
      // closed meanwhile
    }
  }

  @Override
  public void onReady(SelectionKey k) {
    int ready = k.readyOps();
    if ((ready & SelectionKey.OP_WRITE) != 0) {
      LoopWriter w = output.loopWriter;
      if (w != null) {
        w.onWritable();
      }
    }
    if ((ready & SelectionKey.OP_READ) != 0 && k.isValid()) {
      onReadable();
    }
  }

  private void onReadable() {
    if (lingering) {
      discard();
      return;
    }
    Runnable waiter = bodyWaiter;
    if (waiter != null) {
      // the body's reader reads what came
      bodyWaiter = null;
      loopDeadline = 0;
      waiter.run();
      return;
    }
    synchronized (this) {
      if (exchangeActive) {
        // the exchange in progress reads nothing: keep what comes (a pipelined request) for later
        if (input.hasBuffered()) {
          readPaused = true;
          interest(SelectionKey.OP_READ, false);
        } else if (readNow() < 0) {
          inputEnded = true;
          interest(SelectionKey.OP_READ, false);
        }
        return;
      }
    }
    int n = readNow();
    if (n < 0) {
      close(); // between requests, or in the middle of a head: nothing to answer
      return;
    }
    if (n > 0) {
      parseAndServe();
    }
  }

  /** One non-blocking read into the input buffer: the count, 0 if nothing came, -1 at end or error. */
  private int readNow() {
    try {
      return input.readNow(channel);
    } catch (IOException e) {
      return -1;
    }
  }

  /** Parses the heads buffered and serves them, one exchange at a time. Loop thread. */
  private void parseAndServe() {
    while (input.hasBuffered()) {
      synchronized (this) {
        if (exchangeActive) {
          return; // one exchange at a time; its end resumes the parsing
        }
      }
      if (!state.compareAndSet(IDLE, ACTIVE) && state.get() != ACTIVE) {
        return; // closed
      }
      if (!headStarted) {
        headStarted = true;
        loopDeadline = (first ? acceptedNanos : System.nanoTime()) + server.limits.headerTimeoutNanos();
      }
      ParsedRequestHead head;
      try {
        // resumes where the last feed stopped: the bytes of an unfinished head are searched once
        head = headParser.feed(input.buf, input.pos, input.lim);
        input.pos = headParser.position();
      } catch (RejectedRequestException e) {
        loopDeadline = 0;
        if (writeError(e.status, e.getMessage())) {
          lingerAndClose();
        } else {
          abort();
        }
        return;
      }
      if (head == null) {
        return; // the rest of the head has not come yet
      }
      headStarted = false;
      first = false;
      loopDeadline = 0;
      Http1Exchange ex = new Http1Exchange(this, head);
      synchronized (this) {
        exchangeActive = true;
      }
      current = ex;
      if (!serveOnLoop(ex)) {
        return;
      }
    }
  }

  /** Calls the handler; true if it completed the exchange and the next request may be parsed. Loop thread. */
  private boolean serveOnLoop(Http1Exchange ex) {
    if (server.nonBlockingHandler) {
      return callHandler(ex);
    }
    try {
      server.executor.execute(() -> {
        try {
          server.handler.handle(ex);
        } catch (Throwable t) {
          ex.handlerFailed(t);
        }
      });
    } catch (RejectedExecutionException e) {
      ex.handlerFailed(e);
    }
    return false;
  }

  private void exchangeDoneOnLoop(Http1Exchange ex, boolean keepAlive) {
    if (!keepAlive || server.draining()) {
      onLoop(() -> closeAfterExchange(ex));
      return;
    }
    if (!ex.bodyConsumed()) {
      // answered before its body was read: the rest is read and dropped before the next request
      onLoop(() -> drainOnLoop(ex, Limits.BODY_DRAIN_LIMIT));
      return;
    }
    nextOnLoop(ex);
  }

  /**
   * Reads and drops the rest of an answered request's body, then goes on to the next request;
   * closes (lingering) past {@code left} bytes. Loop thread.
   */
  private void drainOnLoop(Http1Exchange ex, long left) {
    BodyInputStream body = ex.body();
    byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, left))];
    while (true) {
      int n;
      try {
        n = body.readNow(scratch, 0, scratch.length);
      } catch (IOException e) {
        return; // the body failed: its connection is closed
      }
      if (n < 0) {
        nextOnLoop(ex);
        return;
      }
      if (n == 0) {
        long l = left;
        body.whenReadable(() -> drainOnLoop(ex, l));
        return;
      }
      left -= n;
      if (left < 0) {
        lingerAndClose();
        return;
      }
    }
  }

  /** The exchange is over, its body read: the next request, parsed now or when it comes. */
  private void nextOnLoop(Http1Exchange ex) {
    boolean resume;
    synchronized (this) {
      exchangeActive = false;
      current = null;
      resume = input.hasBuffered() || readPaused || inputEnded;
      if (!input.hasBuffered()) {
        state.set(IDLE);
      }
      loopDeadline = System.nanoTime() + server.limits.keepAliveIdleTimeoutNanos();
    }
    // after IDLE is visible: a drain that began before sees it, or this sees draining
    if (server.draining() && closeIfIdle()) {
      return;
    }
    if (ex.handlerThread == Thread.currentThread()) {
      ex.continueInline = true; // the loop that called the handler goes on with the next head
      return;
    }
    if (resume) {
      loop.execute(this::resume);
    }
  }

  /** Goes on with bytes kept during the exchange, or closes when the client has closed. Loop thread. */
  private void resume() {
    synchronized (this) {
      if (readPaused) {
        readPaused = false;
        interest(SelectionKey.OP_READ, true);
      }
    }
    parseAndServe();
    boolean ended;
    synchronized (this) {
      ended = !exchangeActive && inputEnded;
    }
    if (ended) {
      close(); // a head cut off by the client's close can never complete
    }
  }

  /** Like {@link #closeAfter}: lingering when the client may still be sending. Loop thread. */
  private void closeAfterExchange(Http1Exchange ex) {
    if (input.hasBuffered() || !ex.bodyConsumed()) {
      lingerAndClose();
    } else {
      close();
    }
  }

  /** The lingering close of {@link #lingerAndClose} on the loop: no thread waits for the client. Loop thread. */
  private void startLingering() {
    if (state.getAndSet(CLOSED) == CLOSED) {
      return;
    }
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      closeSocket();
      return;
    }
    lingered = 0;
    loopDeadline = System.nanoTime() + Limits.LINGER_NANOS;
    lingering = true;
    synchronized (this) {
      readPaused = false;
    }
    interest(SelectionKey.OP_READ, true);
    discard();
  }

  /** Reads and drops what the client still sends while lingering. Loop thread. */
  private void discard() {
    while (true) {
      input.pos = input.lim;
      int n = readNow();
      if (n == 0) {
        return;
      }
      lingered += n;
      if (n < 0 || lingered >= Limits.LINGER_BYTES) {
        closeSocket();
        return;
      }
    }
  }
}
