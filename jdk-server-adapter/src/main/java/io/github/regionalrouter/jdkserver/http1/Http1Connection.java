package io.github.regionalrouter.jdkserver.http1;

import io.github.regionalrouter.internal.TaskTail;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection. As a task it reads request heads and calls the handler; when the handler
 * returns before the response is complete, the task ends and holds no thread: the exchange's
 * {@code complete()} submits a new task for the next request (or, when the handler completed it
 * synchronously, the same task goes on; or, when it was completed from a {@link TaskTail} task and
 * the server may borrow another thread, that thread reads the next request once its task ends).
 */
final class Http1Connection implements Runnable {
  /** Waiting for the first byte of a request: may be closed at once when the server closes. */
  static final int IDLE = 0;
  /** Reading a request, or an exchange in progress. */
  static final int ACTIVE = 1;
  static final int CLOSED = 2;

  private final Http1Server server;
  private final Socket socket;
  final Http1Input input;
  final ResponseOutput output;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final long acceptedNanos;
  private boolean first = true;
  private Http1Exchange previous;

  Http1Connection(Http1Server server, Socket socket) throws IOException {
    this.server = server;
    this.socket = socket;
    this.acceptedNanos = System.nanoTime();
    this.input = new Http1Input(socket, 16 * 1024);
    this.output = new ResponseOutput(socket.getOutputStream(), server.limits.writeTimeoutNanos());
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
        ex.handlerThread = Thread.currentThread();
        try {
          server.handler.handle(ex);
        } catch (Throwable t) {
          ex.handlerFailed(t);
        }
        ex.handlerThread = null;
        if (!ex.continueInline) {
          return;
        }
      }
    } catch (RuntimeException | Error e) {
      abort();
      throw e;
    }
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
      RequestHead head = RequestHead.read(input, limits, deadline);
      return new Http1Exchange(this, head);
    } catch (ProtocolException e) {
      if (writeError(e.status, e.getMessage())) {
        lingerAndClose();
      } else {
        abort();
      }
      return null;
    } catch (IOException e) {
      // end of stream, reset, header timeout, or closed by the server: nothing to answer
      close();
      return null;
    }
  }

  /** Called once the response is written: the next request, or close. */
  void exchangeDone(Http1Exchange ex, boolean keepAlive) {
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
    } else if (input.expire(now)) {
      close();
    }
  }

  /** Closes if waiting for a request; true if it did (or was closed already). */
  boolean closeIfIdle() {
    if (state.compareAndSet(IDLE, CLOSED)) {
      closeSocket();
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
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    server.closed(this);
  }
}
