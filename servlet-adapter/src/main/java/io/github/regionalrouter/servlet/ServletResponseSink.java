package io.github.regionalrouter.servlet;

import io.github.regionalrouter.forward.ResponseSink;
import jakarta.servlet.AsyncContext;
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
 */
final class ServletResponseSink implements ResponseSink {
  /** Request attribute that makes the resumed dispatch fail the response (see {@link #abort}). */
  static final String ABORT_ATTRIBUTE = "io.github.regionalrouter.servlet.abort";

  private final AsyncContext async;
  private final HttpServletResponse response;
  private final boolean chunkable; // an HTTP/1.1 answer that may have a body
  private ServletOutputStream out;
  private byte[] copy = new byte[0];

  ServletResponseSink(AsyncContext async) {
    this.async = async;
    this.response = (HttpServletResponse) async.getResponse();
    HttpServletRequest request = (HttpServletRequest) async.getRequest();
    this.chunkable = "HTTP/1.1".equals(request.getProtocol()) && !"HEAD".equalsIgnoreCase(request.getMethod());
  }

  @Override
  public void start(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
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
