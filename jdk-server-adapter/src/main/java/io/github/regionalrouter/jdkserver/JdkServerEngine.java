package io.github.regionalrouter.jdkserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.forward.RequestBody;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

/**
 * {@link RegionalProxyServer.Engine#JDK_HTTPSERVER}: the JDK's {@code com.sun.net.httpserver}. Its
 * limits are JVM-wide system properties, read when the JVM's first {@code HttpServer} is created.
 */
final class JdkServerEngine implements ServerEngine {
  private final RegionalProxyServer proxy;
  private final HttpServer server;

  JdkServerEngine(RegionalProxyServer proxy, RegionalProxyServer.Builder b, ExecutorService executor)
      throws IOException {
    applyServerProperties(b);
    this.proxy = proxy;
    this.server = HttpServer.create(b.address, b.backlog);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange ex) {
    ExchangeRequest request = new ExchangeRequest(ex);
    boolean drain = proxy.isDraining();
    ExchangeSink sink = new ExchangeSink(ex, request.isHead(), drain);
    long length = request.contentLength();
    RequestBody body = length == 0 || drain ? RequestBody.empty() : RequestBody.of(ex.getRequestBody(), length);
    proxy.serve(request, body, sink, drain);
  }

  @Override
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void stop(long deadlineNanos) {
    // this server cannot tell idle connections from busy ones: wait for the requests, then stop
    proxy.awaitInFlight(deadlineNanos);
    // stop(0): JDK 17 would otherwise wait the whole delay when nothing is in flight
    server.stop(0);
  }

  private static void applyServerProperties(RegionalProxyServer.Builder b) {
    // Read once by sun.net.httpserver.ServerConfig, when the JVM's first HttpServer is created:
    // effective only if set before that. Without nodelay, JDK 17 waits ~40 ms per response (Nagle
    // against delayed ACK: headers and body go in separate writes).
    setIfAbsent("sun.net.httpserver.nodelay", "true");
    setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(Math.max(1, b.requestTimeLimit.toSeconds())));
    setIfAbsent("sun.net.httpserver.idleInterval", Long.toString(Math.max(1, b.idleTimeout.toSeconds())));
    setIfAbsent("sun.net.httpserver.maxReqHeaders", Integer.toString(b.maxRequestHeaders));
    setIfAbsent("sun.net.httpserver.maxReqHeaderSize", Integer.toString(b.maxRequestHeaderBytes));
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
