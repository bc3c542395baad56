package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.jdkserver.http1.Http1Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

/** {@link RegionalProxyServer.Engine#HTTP1}: the strict {@link Http1Server}. */
final class Http1Engine implements ServerEngine {
  private final Http1Server server;

  /**
   * @param executor the caller's executor for connection tasks, or {@code null} for the server's
   *     own (virtual threads on 21+, else at most {@code 2 * maxThreads} platform threads)
   * @param borrowable how many of the forwarder's executor threads may wait for a connection's
   *     next request after writing its answer
   */
  Http1Engine(RegionalProxyServer proxy, RegionalProxyServer.Builder b, ExecutorService executor, int borrowable)
      throws IOException {
    if (b.address.isUnresolved()) {
      throw new IOException("unresolved address " + b.address);
    }
    Http1Server.Builder sb = Http1Server.builder()
        .address(b.address.getAddress())
        .port(b.address.getPort())
        .backlog(b.backlog)
        .maxRequestLineBytes(b.maxRequestLineBytes)
        .maxHeaderBytes(b.maxRequestHeaderBytes)
        .maxHeaders(b.maxRequestHeaders)
        .headerTimeout(b.headerTimeout)
        .bodyIdleTimeout(b.bodyIdleTimeout)
        .keepAliveIdleTimeout(b.idleTimeout)
        .drainTimeout(b.drainTimeout)
        .maxThreads(2 * b.maxThreads)
        .maxBorrowedThreads(borrowable)
        .handler(ex -> proxy.serve(ex, ex, ex, proxy.isDraining()));
    if (executor != null) {
      sb.executor(executor);
    }
    if (b.eventLoop) {
      // proxy.serve never blocks: it may run on a loop thread. On the fast lane's loops, a request
      // is sent on its client connection's loop and the answer written back on that same thread.
      java.util.List<io.github.regionalrouter.internal.loop.SelectorLoop> loops = io.github.regionalrouter.internal.loop.ForwarderLoops.of(proxy.forwarder());
      if (!loops.isEmpty()) {
        sb.eventLoops(loops);
      } else {
        sb.eventLoop(true).eventLoops(proxy.forwarder().eventLoopCount());
      }
      sb.nonBlockingHandler(true);
    }
    this.server = sb.build().start();
  }

  @Override
  public InetSocketAddress address() {
    return server.address();
  }

  @Override
  public Throwable eventLoopFailure() {
    return server.eventLoopFailure();
  }

  @Override
  public void stop(long deadlineNanos) {
    // refuses new connections, closes idle ones, waits for in-flight exchanges, then resets the rest
    server.close(java.time.Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
  }
}
