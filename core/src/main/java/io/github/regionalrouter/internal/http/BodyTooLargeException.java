package io.github.regionalrouter.internal.http;

import java.io.IOException;

/** A response body exceeded its cap; the message says which and by what. No stack trace. */
public final class BodyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  BodyTooLargeException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
