package io.github.regionalrouter.servlet;

import io.github.regionalrouter.forward.ResponseSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * {@link ResponseSink} over a suspended servlet response, written with the blocking
 * {@link ServletOutputStream} on the forwarder's executor (never a container thread), and ended
 * with {@link AsyncContext#complete()}.
 */
final class ServletResponseSink implements ResponseSink {
  /** Request attribute that makes the resumed dispatch fail the response (see {@link #abort}). */
  static final String ABORT_ATTRIBUTE = "io.github.regionalrouter.servlet.abort";

  private final AsyncContext async;
  private final HttpServletResponse response;
  private ServletOutputStream out;
  private byte[] copy = new byte[0];

  ServletResponseSink(AsyncContext async) {
    this.async = async;
    this.response = (HttpServletResponse) async.getResponse();
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
