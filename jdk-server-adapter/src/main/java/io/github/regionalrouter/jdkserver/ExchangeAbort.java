package io.github.regionalrouter.jdkserver;

import com.sun.net.httpserver.HttpExchange;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.channels.SocketChannel;

/**
 * Closes an exchange's connection at once, for a response that must not look complete.
 *
 * <p>{@code com.sun.net.httpserver} has no such call: closing the response stream of a chunked
 * response writes the final chunk, which makes a cut-off body look complete, and closing a short
 * fixed-length one leaves the connection open. So this reaches the exchange's socket channel
 * through the implementation's fields ({@code HttpExchangeImpl.impl.connection.chan}, the same in
 * JDK 17 and 25). That needs {@code --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED}
 * (the standalone jar's manifest carries it). Without it, {@link #abort} leaves the response
 * unfinished, never completed: the client sees a stalled, incomplete response instead of a reset.
 */
final class ExchangeAbort {
  private static final MethodHandle IMPL;
  private static final MethodHandle HTTPS_IMPL;
  private static final MethodHandle CONNECTION;
  private static final MethodHandle CHANNEL;

  static {
    MethodHandle impl = null;
    MethodHandle httpsImpl = null;
    MethodHandle connection = null;
    MethodHandle channel = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      impl = field(lookup, "sun.net.httpserver.HttpExchangeImpl", "impl");
      httpsImpl = field(lookup, "sun.net.httpserver.HttpsExchangeImpl", "impl");
      connection = field(lookup, "sun.net.httpserver.ExchangeImpl", "connection");
      channel = field(lookup, "sun.net.httpserver.HttpConnection", "chan");
    } catch (ReflectiveOperationException | RuntimeException e) {
      impl = null;
    }
    IMPL = impl;
    HTTPS_IMPL = httpsImpl;
    CONNECTION = connection;
    CHANNEL = channel;
  }

  private ExchangeAbort() {}

  private static MethodHandle field(MethodHandles.Lookup lookup, String cls, String name)
      throws ReflectiveOperationException {
    java.lang.reflect.Field f = Class.forName(cls).getDeclaredField(name);
    f.setAccessible(true); // throws InaccessibleObjectException unless the package is opened
    return lookup.unreflectGetter(f);
  }

  /** Whether connections can be closed (the package is opened to us). */
  static boolean available() {
    return IMPL != null;
  }

  /**
   * Closes the exchange's connection if possible, then lets the server do its bookkeeping.
   *
   * @return whether the connection was closed
   */
  static boolean abort(HttpExchange exchange) {
    if (IMPL == null) {
      return false;
    }
    try {
      String cls = exchange.getClass().getName();
      Object impl = cls.endsWith("HttpsExchangeImpl") ? HTTPS_IMPL.invoke(exchange) : IMPL.invoke(exchange);
      Object connection = CONNECTION.invoke(impl);
      SocketChannel channel = (SocketChannel) CHANNEL.invoke(connection);
      channel.close();
    } catch (Throwable t) {
      return false;
    }
    try {
      exchange.close(); // the final chunk fails to write: the connection is closed already
    } catch (RuntimeException ignored) {
      // insufficient bytes written: expected
    }
    return true;
  }
}
