package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RoutingException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers a routing failure the way the standalone proxy does: the exception's status, header
 * {@code X-Router-Error: <reason code>}, and a {@code text/plain} body of the short message and a
 * newline. The container's error pages are not involved ({@code sendError} is not used), so the
 * client gets exactly this answer whatever the webapp configures.
 */
final class RoutingErrors {
  /** The response header naming the {@linkplain io.github.regionalrouter.FailureReason#code() reason}. */
  static final String ERROR_HEADER = "X-Router-Error";

  private RoutingErrors() {}

  /** Writes the answer to {@code failure}, unless the response is already committed. */
  static void write(HttpServletResponse response, RoutingException failure) throws IOException {
    write(response, failure.status(), failure.reason().code(), failure.getMessage());
  }

  /** Writes a bare 500 for a failure that is not a {@link RoutingException} (a bug). */
  static void writeInternalError(HttpServletResponse response) throws IOException {
    write(response, 500, null, "internal error");
  }

  private static void write(HttpServletResponse response, int status, String code, String message)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(status);
    if (code != null) {
      response.setHeader(ERROR_HEADER, code);
    }
    response.setContentType("text/plain;charset=UTF-8");
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
