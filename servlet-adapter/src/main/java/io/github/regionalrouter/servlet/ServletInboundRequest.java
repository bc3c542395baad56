package io.github.regionalrouter.servlet;

import io.github.regionalrouter.InboundRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * {@link InboundRequest} over an {@link HttpServletRequest}, reading through to the container's
 * request on every call: nothing is copied up front.
 *
 * <p>The request-target is the origin-form {@code getRequestURI()} plus the query, because a
 * servlet container does not expose the raw request line. That loses no routing information: for
 * an absolute-form target, both Tomcat and Jetty reject a Host header that disagrees with the
 * target's authority (HTTP 400) before any filter runs, so routing by the Host header is routing
 * by the authority.
 */
final class ServletInboundRequest implements InboundRequest {
  private final HttpServletRequest request;
  private final String target; // null: the request's own

  /** The request as received. */
  ServletInboundRequest(HttpServletRequest request) {
    this(request, null);
  }

  /** The request with another request-target, e.g. the part of the path below a servlet's mapping. */
  ServletInboundRequest(HttpServletRequest request, String target) {
    this.request = request;
    this.target = target;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  @Override
  public String target() {
    if (target != null) {
      return target;
    }
    String uri = request.getRequestURI();
    String query = request.getQueryString();
    return query == null ? uri : uri + '?' + query;
  }

  @Override
  public String scheme() {
    return request.getScheme();
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    // a container may refuse access to some headers by returning null
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public Iterable<String> headerNames() {
    return () -> {
      Enumeration<String> names = request.getHeaderNames();
      return names == null ? Collections.emptyIterator() : names.asIterator();
    };
  }

  /**
   * The client's address from {@code getRemoteAddr()} and {@code getRemotePort()}. The address is
   * an IP literal in every container we know; it is parsed, never looked up in DNS. Anything else
   * (a Unix socket path, say) is returned unresolved.
   */
  @Override
  public InetSocketAddress remoteAddress() {
    String addr = request.getRemoteAddr();
    if (addr == null) {
      return null;
    }
    int port = Math.max(0, Math.min(65535, request.getRemotePort()));
    if (isIpLiteral(addr)) {
      try {
        // InetAddress.getByName parses an IP literal without a name service lookup
        return new InetSocketAddress(InetAddress.getByName(addr), port);
      } catch (UnknownHostException | SecurityException e) {
        // irrelevant: the unresolved address below carries the same text
      }
    }
    return InetSocketAddress.createUnresolved(addr, port);
  }

  private static boolean isIpLiteral(String s) {
    if (s.indexOf(':') >= 0) {
      return true; // IPv6: a host name has no colon
    }
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return method() + " " + target();
  }
}
