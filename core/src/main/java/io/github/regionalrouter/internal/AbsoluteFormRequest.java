package io.github.regionalrouter.internal;

import io.github.regionalrouter.InboundRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A request with an absolute-form target ({@code GET http://other.example/p HTTP/1.1}) seen as the
 * origin-form request it stands for: target {@code /p}, {@code Host: other.example}. RFC 9112
 * section 3.2.2: a server receiving an absolute-form target must ignore the received {@code Host}
 * and use the target's authority. Doing it here, once, means routing, {@code X-Forwarded-Host}, a
 * preserved {@code Host} and the path sent upstream all name the same host, whichever adapter
 * the request came through: a request is never looked up under one host and forwarded as the
 * other. The forwarder applies it to every request it is given; the standalone proxy applies it
 * first too, so that its access log names the host the request was routed by.
 */
public final class AbsoluteFormRequest implements InboundRequest {
  private final InboundRequest request;
  private final String authority;
  private final String target;

  private AbsoluteFormRequest(InboundRequest request, String authority, String target) {
    this.request = request;
    this.authority = authority;
    this.target = target;
  }

  /** {@code request} itself unless its target is in absolute form (no allocation then). */
  public static InboundRequest of(InboundRequest request) {
    String t = request.target();
    if (t.isEmpty() || t.charAt(0) == '/' || t.equals("*")) {
      return request;
    }
    int start;
    if (t.regionMatches(true, 0, "http://", 0, 7)) {
      start = 7;
    } else if (t.regionMatches(true, 0, "https://", 0, 8)) {
      start = 8;
    } else {
      return request; // not ours to reinterpret: the router refuses it
    }
    int end = start;
    while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?' && t.charAt(end) != '#') {
      end++;
    }
    String rest = t.substring(end);
    String origin = rest.isEmpty() ? "/" : rest.charAt(0) == '/' ? rest : "/" + rest;
    return new AbsoluteFormRequest(request, t.substring(start, end), origin);
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public String scheme() {
    return request.scheme();
  }

  @Override
  public String header(String name) {
    return name.equalsIgnoreCase("Host") ? authority : request.header(name);
  }

  @Override
  public List<String> headers(String name) {
    return name.equalsIgnoreCase("Host") ? List.of(authority) : request.headers(name);
  }

  @Override
  public Iterable<String> headerNames() {
    List<String> names = new ArrayList<>();
    boolean host = false;
    for (String n : request.headerNames()) {
      host |= n.equalsIgnoreCase("Host");
      names.add(n);
    }
    if (!host) {
      names.add("Host");
    }
    return names;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return request.remoteAddress();
  }
}
