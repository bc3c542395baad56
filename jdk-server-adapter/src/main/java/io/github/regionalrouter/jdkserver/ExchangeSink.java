package io.github.regionalrouter.jdkserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.github.regionalrouter.forward.ResponseSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a forwarded response to an {@link HttpExchange}. */
final class ExchangeSink implements ResponseSink {
  private static final Logger log = LoggerFactory.getLogger(ExchangeSink.class);
  private static volatile boolean warned;

  private final HttpExchange exchange;
  private final boolean head;
  private final boolean closeConnection;
  private OutputStream out;
  private byte[] copy;

  ExchangeSink(HttpExchange exchange, boolean head, boolean closeConnection) {
    this.exchange = exchange;
    this.head = head;
    this.closeConnection = closeConnection;
  }

  @Override
  public void start(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
    Headers h = exchange.getResponseHeaders();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String name = e.getKey();
      if (name.equalsIgnoreCase("date")) {
        continue; // the server sets its own
      }
      for (String v : e.getValue()) {
        h.add(name, v);
      }
    }
    if (closeConnection) {
      h.set("Connection", "close");
    }
    boolean noBody = head || status == 204 || status == 304 || status < 200;
    long length;
    if (noBody) {
      if (contentLength >= 0 && status != 204 && status >= 200) {
        h.set("Content-Length", Long.toString(contentLength)); // what GET would have had
      }
      length = -1;
    } else {
      // the JDK server's convention: 0 means chunked, -1 means no body
      length = contentLength < 0 ? 0 : contentLength == 0 ? -1 : contentLength;
    }
    exchange.sendResponseHeaders(status, length);
    out = exchange.getResponseBody();
  }

  @Override
  public void write(ByteBuffer data) throws IOException {
    if (data.hasArray()) {
      out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
    } else {
      int n = data.remaining();
      if (copy == null || copy.length < n) {
        copy = new byte[Math.max(n, 16 * 1024)];
      }
      data.get(copy, 0, n);
      out.write(copy, 0, n);
    }
  }

  @Override
  public void complete() throws IOException {
    if (out != null) {
      out.close();
    }
    exchange.close();
  }

  @Override
  public void abort(Throwable cause) {
    if (out != null) {
      try {
        out.flush(); // JDK 21+ may still buffer the headers: the client should see what was sent
      } catch (IOException | RuntimeException ignored) {
        // irrelevant: the client is gone, and the abort below ends the exchange either way
      }
    }
    if (ExchangeAbort.abort(exchange)) {
      return;
    }
    if (out == null) {
      exchange.close(); // nothing was sent: closing before the headers closes the connection
      return;
    }
    if (!warned) {
      warned = true;
      log.warn("cannot reset a client connection to end a cut-off response; start the JVM with"
          + " --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED (the response is left"
          + " unfinished instead, so it never looks complete)");
    }
  }
}
