package io.github.regionalrouter.resolve;

/**
 * A discovery call did not complete within the resolver's
 * {@linkplain HttpDiscoveryResolver.Builder#timeout timeout}: connecting, waiting for the answer's
 * headers, or reading its body took too long. The message says so, e.g.
 * {@code discovery for "a.com" failed: timed out after 1000 ms}. No stack trace.
 */
public final class DiscoveryTimeoutException extends DiscoveryException {
  private static final long serialVersionUID = 1L;

  DiscoveryTimeoutException(String host, long timeoutMillis, Throwable cause) {
    super(host, "timed out after " + timeoutMillis + " ms", cause);
  }
}
