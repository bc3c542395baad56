package io.github.regionalrouter.internal.upstream;

import java.io.IOException;

/**
 * The request body could not be read from the client (it aborted, sent a malformed chunk, went
 * idle): the upstream connection was closed before the body's end, so the upstream never takes a
 * truncated body for a whole one. The cause is the stream's exception.
 */
public final class RequestBodyException extends IOException {
  private static final long serialVersionUID = 1L;

  RequestBodyException(IOException cause) {
    super("request body could not be read: " + cause.getMessage(), cause);
  }
}
