package io.github.regionalrouter.servlet;

import io.github.regionalrouter.forward.ResponseSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * {@link ResponseSink} over a suspended servlet response, written with the blocking
 * {@link ServletOutputStream} on the forwarder's executor (never a container thread), and ended
 * with {@link AsyncContext#complete()}.
 *
 * <p>The response is committed at {@link #start} and flushed after every chunk. A body of unknown
 * length is sent chunked to HTTP/1.1 clients even when they asked {@code Connection: close}, so
 * that an {@link #abort} (no last chunk) is always visible; to an HTTP/1.0 client such a body can
 * only be delimited by the close, and a cut-off one cannot be told from a whole one.
 *
 * <p>When the container reports an error on the suspended request ({@link AsyncListener#onError}),
 * the sink ends the exchange itself, whether or not our answer started: from then on it refuses
 * to write, and a response not yet committed gets at least status 400 and {@code Connection:
 * close}. Tomcat does this when the request body is malformed (a bad chunk). Its failing read
 * ({@code InputBuffer.realReadBytes}, on our thread) sets the request attribute
 * {@code jakarta.servlet.error.exception} and calls {@code sendError(400)}, which suspends the
 * response: what we write after it goes nowhere, and the facade reports the response committed.
 * When the servlet's dispatch returns, {@code CoyoteAdapter.service} sees that attribute on an
 * async request that is not yet completing (a {@code complete()} of ours from our thread is only
 * pending until the dispatch returns, and {@code AsyncStateMachine.asyncError} overrides it) and
 * calls {@code AsyncContextImpl.setErrorState}: it fires {@code onError} and, if no listener
 * called {@code complete()} or {@code dispatch()}, sets status 500 and completes the request.
 * Ending the exchange in {@code onError} is what keeps that 500 out; the answer is then 400:
 * ours when it got out first, else Tomcat's own error report for its 400.
 *
 * <p>The request body is read through {@link #body}, which keeps our reads and the end of the
 * exchange apart: a read never starts once the container ended the request, and {@code onError}
 * waits (at most {@value #READ_WAIT_MILLIS} ms) for a read in progress to return before it
 * completes. Tomcat needs that: {@code onError} comes while our failing read is still in {@code
 * InputBuffer.handleReadException}, between setting the attribute and its {@code sendError(400)}
 * (which works on Tomcat's own request and response objects, not the facades). Completing then
 * recycles those objects, and Tomcat may give them to another connection while our thread still
 * uses them: a later request then never reaches the servlet (answered by Tomcat alone, or its
 * connection closed without an answer).
 */
final class ServletResponseSink implements ResponseSink {
  /** Request attribute that makes the resumed dispatch fail the response (see {@link #abort}). */
  static final String ABORT_ATTRIBUTE = "io.github.regionalrouter.servlet.abort";

  private final AsyncContext async;
  private final HttpServletResponse response;
  private final boolean chunkable; // an HTTP/1.1 answer that may have a body
  private ServletOutputStream out;
  private byte[] copy = new byte[0];
  private final Object lock = new Object();
  private volatile boolean ended; // the container ended the request (error, or completed)
  private int reading; // body reads in progress (under the lock)

  /** The longest {@code onError} waits for a body read in progress to return. */
  static final long READ_WAIT_MILLIS = 5_000;

  ServletResponseSink(AsyncContext async) {
    this.async = async;
    this.response = (HttpServletResponse) async.getResponse();
    HttpServletRequest request = (HttpServletRequest) async.getRequest();
    this.chunkable = "HTTP/1.1".equals(request.getProtocol()) && !"HEAD".equalsIgnoreCase(request.getMethod());
    async.addListener(new AsyncListener() {
      @Override
      public void onError(AsyncEvent event) {
        synchronized (lock) {
          ended = true; // a start of ours in progress (under the lock) finishes first
          // A read of ours still inside the container's stream must return before the request is
          // completed and recycled (see the class comment); it fails at once, or soon, here.
          long deadline = System.nanoTime() + READ_WAIT_MILLIS * 1_000_000;
          long left;
          while (reading > 0 && (left = deadline - System.nanoTime()) > 0) {
            try {
              lock.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            }
          }
        }
        try {
          // Complete even when our answer started: Tomcat may have swallowed it (its sendError
          // suspends the response), and a request no listener completes becomes a 500.
          if (!response.isCommitted()) {
            // The error is the client's: a malformed body, or the client gone (no status matters).
            if (response.getStatus() < 400) {
              response.setStatus(400);
            }
            response.setHeader("Connection", "close");
          }
          async.complete();
        } catch (RuntimeException e) {
          // irrelevant: the container already ended the request; nothing is left to complete
        }
      }

      @Override
      public void onComplete(AsyncEvent event) {
        ended = true;
      }

      @Override
      public void onTimeout(AsyncEvent event) {}

      @Override
      public void onStartAsync(AsyncEvent event) {}
    });
  }

  /**
   * The request body {@code in}, read only while the container has not ended the request: a read
   * once it ended fails without touching the container's stream, and {@code onError} lets a read
   * in progress return before it completes the request.
   */
  InputStream body(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
          n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        synchronized (lock) {
          if (ended) {
            throw new IOException("the container already ended this request; its body is no longer readable");
          }
          reading++;
        }
        try {
          return in.read(b, off, len);
        } finally {
          synchronized (lock) {
            reading--;
            lock.notifyAll();
          }
        }
      }

      @Override
      public long skip(long n) {
        return 0;
      }

      @Override
      public int available() {
        return 0;
      }

      @Override
      public void close() {
        // the container's stream is the container's
      }
    };
  }

  @Override
  public void start(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
    // The whole start, commit included, under the lock: the container's onError, which ends the
    // exchange, comes either before it (and start fails) or after our head was flushed.
    synchronized (lock) {
      if (ended) {
        throw new IOException("the container already ended this request (an error it reported)");
      }
      response.setStatus(status);
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        for (String v : h.getValue()) {
          response.addHeader(h.getKey(), v);
        }
      }
      if (contentLength >= 0) {
        response.setContentLengthLong(contentLength);
      } else if (chunkable && status != 204 && status != 304) {
        // Without this, a container may delimit the body by closing the connection when the client
        // asked Connection: close (Jetty does), and then an aborted body looks complete.
        response.setHeader("Transfer-Encoding", "chunked");
      }
      out = response.getOutputStream();
      // Commit now: the client sees the status at once, and an abort from here on cuts off a
      // committed response (the container closes the connection) instead of becoming an error page.
      out.flush();
    }
  }

  @Override
  public void write(ByteBuffer data) throws IOException {
    int n = data.remaining();
    if (data.hasArray()) {
      out.write(data.array(), data.arrayOffset() + data.position(), n);
    } else {
      if (copy.length < n) {
        copy = new byte[n];
      }
      data.get(copy, 0, n);
      out.write(copy, 0, n);
    }
    // A streaming proxy: the chunk goes to the client now (server-sent events, long polls), not
    // when the container's buffer fills. The chunks are java.net.http's, about 16 KiB each.
    out.flush();
  }

  @Override
  public void complete() throws IOException {
    if (out != null) {
      out.flush();
    }
    async.complete();
  }

  /**
   * Makes the client see an incomplete response. The Servlet API has no "abort", so the request is
   * dispatched back to the servlet, which throws: a container closes the connection of a response
   * whose servlet failed after it was committed, without the body's proper end.
   */
  @Override
  public void abort(Throwable cause) {
    if (ended) {
      return; // the container has answered and ended it
    }
    if (!response.isCommitted()) {
      // Nothing of ours went out: our start failed, which happens when the container put the
      // exchange in an error state of its own (Tomcat after a malformed request body). A failing
      // dispatch would become a 500 error page; instead let the container's error status stand,
      // or answer 502, and end the exchange.
      try {
        if (response.getStatus() < 400) {
          response.setStatus(502);
        }
        async.complete();
      } catch (RuntimeException e) {
        // the request is already over
      }
      return;
    }
    try {
      async.getRequest().setAttribute(ABORT_ATTRIBUTE, cause == null ? new IOException("aborted") : cause);
      async.dispatch();
    } catch (RuntimeException e) {
      try {
        async.complete();
      } catch (RuntimeException ignored) {
        // the request is already over
      }
    }
  }
}
