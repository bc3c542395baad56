package io.github.regionalrouter.jdkserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.github.regionalrouter.InboundRequest;
import java.net.InetSocketAddress;
import java.util.List;

/** An {@link HttpExchange}'s request as an {@link InboundRequest}, without copying. */
final class ExchangeRequest implements InboundRequest {
  private final HttpExchange exchange;
  private final Headers headers;

  ExchangeRequest(HttpExchange exchange) {
    this.exchange = exchange;
    this.headers = exchange.getRequestHeaders();
  }

  @Override
  public String method() {
    return exchange.getRequestMethod();
  }

  @Override
  public String target() {
    // the URI was built from the request line's string, which toString() returns unchanged
    return exchange.getRequestURI().toString();
  }

  @Override
  public String scheme() {
    return exchange instanceof HttpsExchange ? "https" : "http";
  }

  @Override
  public String header(String name) {
    return headers.getFirst(name);
  }

  @Override
  public List<String> headers(String name) {
    List<String> v = headers.get(name);
    return v == null ? List.of() : v;
  }

  @Override
  public Iterable<String> headerNames() {
    return headers.keySet();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return exchange.getRemoteAddress();
  }

  boolean isHead() {
    return "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
  }

  /** The body's declared length: -1 when chunked, 0 when none. */
  long contentLength() {
    String te = headers.getFirst("Transfer-Encoding");
    if (te != null) {
      return -1; // the server accepts only "chunked" here, and never with Content-Length
    }
    String cl = headers.getFirst("Content-Length");
    if (cl == null) {
      return 0;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return 0; // the server has rejected such a request already
    }
  }
}
