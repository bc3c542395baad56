package io.github.regionalrouter.jdkserver;

import java.net.InetSocketAddress;

/** The HTTP server under a {@link RegionalProxyServer}: accepts connections, hands requests to it. */
interface ServerEngine {

  /** The bound address (with the real port when 0 was asked). */
  InetSocketAddress address();

  /**
   * Stops accepting, lets in-flight exchanges finish until {@code deadlineNanos} (a
   * {@link System#nanoTime()} value), then closes every connection. The proxy is draining already.
   */
  void stop(long deadlineNanos);

  /** What ended an event loop of the engine's own (not the forwarder's), or {@code null}. */
  default Throwable eventLoopFailure() {
    return null;
  }
}
