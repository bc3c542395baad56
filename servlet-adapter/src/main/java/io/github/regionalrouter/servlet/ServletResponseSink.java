package io.github.regionalrouter.servlet;

import io.github.regionalrouter.forward.ResponseSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * <p>When the container reports an error on the suspended request ({@link AsyncListener#onError})
 * before the response started, the container's own answer stands and the sink only completes it.
 * Tomcat does this when the request body is malformed (a bad chunk): its read fails with a
 * {@code sendError(400)} of its own, and left to itself it would then turn the request into a 500
 * error dispatch, racing our answer. From then on the sink refuses to write.
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
  private boolean started; // guarded by lock
  private volatile boolean ended; // the container ended the request (error, or completed)

  ServletResponseSink(AsyncContext async) {
    this.async = async;
    this.response = (HttpServletResponse) async.getResponse();
    HttpServletRequest request = (HttpServletRequest) async.getRequest();
    this.chunkable = "HTTP/1.1".equals(request.getProtocol()) && !"HEAD".equalsIgnoreCase(request.getMethod());
    async.addListener(new AsyncListener() {
      @Override
      public void onError(AsyncEvent event) {
        boolean before;
        synchronized (lock) {
          before = !started;
          ended = true;
        }
        if (before) {
          try {
            // Before our answer, an error on the suspended exchange is the client's: a malformed
            // body (or a client gone, for which no status matters). Tomcat may not have set its 400
            // yet, and its error dispatch would answer 500.
            if (!response.isCommitted()) {
              response.setStatus(400);
              response.setHeader("Connection", "close");
            }
            async.complete();
          } catch (RuntimeException e) {
            // already over
          }
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

  @Override
  public void start(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
    // The whole start, commit included, under the lock: the container's onError then sees either
    // nothing of ours (and its own answer stands) or a committed response. Between the two, an
    // uncommitted status of ours would be reset by the container's error dispatch into a 500.
    synchronized (lock) {
      if (ended) {
        throw new IOException("the container already ended this request (an error it reported)");
      }
      started = true;
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
