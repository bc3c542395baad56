package io.github.regionalrouter.internal.upstream;

import java.io.IOException;

/**
 * The upstream closed or reset the connection before a complete response head: nothing of its
 * answer reached the client, so a bodiless idempotent request may be sent again (the forwarder
 * counts it {@code upstream_unreachable}, not a protocol error). An invalid answer is a
 * {@link java.net.ProtocolException} instead.
 */
public final class UpstreamClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  UpstreamClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
