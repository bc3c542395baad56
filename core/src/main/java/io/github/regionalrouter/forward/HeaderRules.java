package io.github.regionalrouter.forward;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingException;
import io.github.regionalrouter.internal.http.HeaderFields;
import io.github.regionalrouter.internal.http.HttpSyntax;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/** Which headers cross the proxy, in each direction, and which the proxy adds. */
final class HeaderRules {
  private HeaderRules() {}

  /** RFC 9110 section 7.6.1, plus the non-standard ones proxies still meet. Lower case. */
  static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade",
      "trailer", "proxy-authorization", "proxy-authenticate");

  /**
   * Headers java.net.http refuses to take from us (it writes them itself): {@code Host} (unless
   * allowed by {@code jdk.httpclient.allowRestrictedHeaders}), {@code Content-Length} (from the
   * body publisher), {@code Expect} (the JDK server already answered {@code 100-continue}).
   * {@code Connection} and {@code Upgrade} are hop-by-hop anyway.
   */
  static final Set<String> RESTRICTED = Set.of("host", "content-length", "expect");

  /** Headers we set ourselves; the client's copies are dropped (X-Forwarded-For is appended to). */
  static final Set<String> OURS = Set.of(
      "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "via");

  /**
   * The first header value with CR, LF, NUL or another control byte (tab allowed), as a failure;
   * {@code null} when every header is clean. Checked before routing, so a hostile request costs no
   * discovery call and can never split into two headers upstream.
   */
  static RoutingException invalidHeader(InboundRequest request) {
    for (String name : request.headerNames()) {
      for (String value : request.headers(name)) {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (c < 0x20 && c != '\t' || c == 0x7f) {
            return new RoutingException(FailureReason.INVALID_REQUEST,
                "header " + name + " has a control character (CR, LF or NUL)");
          }
        }
      }
    }
    return null;
  }

  /** The names listed in the message's {@code Connection} headers, lower case. */
  static Set<String> connectionListed(List<String> connectionValues) {
    if (connectionValues.isEmpty()) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    for (String v : connectionValues) {
      HttpSyntax.addListElements(v, names);
    }
    return names;
  }

  /**
   * The headers to send upstream, as name/value pairs: the client's, less hop-by-hop headers and
   * every name its {@code Connection} lists, less its routing header and our own; then ours. The
   * removal happens before ours are added, so {@code Connection: X-Forwarded-For, region} strips
   * only the client's copies. Unless {@code underscoresDropped} is {@code null}, every name with an
   * {@code _} is dropped too and counted there: a CGI/WSGI upstream reads {@code Content_Length}
   * as {@code Content-Length} (nginx's {@code underscores_in_headers off}).
   */
  static List<String[]> requestHeaders(RouteDecision decision, String requestId, String via,
      String requestIdHeader, LongAdder underscoresDropped) {
    InboundRequest request = decision.request();
    Set<String> listed = connectionListed(request.headers("Connection"));
    String idHeaderLower = requestIdHeader.toLowerCase(Locale.ROOT);
    List<String[]> out = new ArrayList<>();
    for (String name : request.headerNames()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(lower) || RESTRICTED.contains(lower) || OURS.contains(lower)
          || listed.contains(lower) || decision.isRoutingHeader(lower)
          || lower.equals(idHeaderLower) || lower.startsWith(":")) {
        continue;
      }
      if (underscoresDropped != null && name.indexOf('_') >= 0) {
        underscoresDropped.increment();
        continue;
      }
      for (String value : request.headers(name)) {
        out.add(new String[] {name, value});
      }
    }
    if (decision.region() != null) {
      out.add(new String[] {decision.routingHeader(), decision.region()});
    }
    InetSocketAddress peer = request.remoteAddress();
    String xff = listed.contains("x-forwarded-for") ? "" : join(request.headers("X-Forwarded-For"));
    if (peer != null) {
      String ip = peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
      xff = xff.isEmpty() ? ip : xff + ", " + ip;
    }
    if (!xff.isEmpty()) {
      out.add(new String[] {"X-Forwarded-For", xff});
    }
    out.add(new String[] {"X-Forwarded-Proto", request.scheme()});
    String host = request.header("Host");
    out.add(new String[] {"X-Forwarded-Host", host != null ? host : decision.host()});
    String priorVia = listed.contains("via") ? "" : join(request.headers("Via"));
    out.add(new String[] {"Via", (priorVia.isEmpty() ? "" : priorVia + ", ") + "1.1 " + via});
    out.add(new String[] {requestIdHeader, requestId});
    return out;
  }

  private static String join(List<String> values) {
    if (values.isEmpty()) {
      return "";
    }
    return values.size() == 1 ? values.get(0).trim() : String.join(", ", values).trim();
  }

  /**
   * The upstream's response headers to pass on: less hop-by-hop headers, every name its
   * {@code Connection} lists, {@code Content-Length} (the sink gets the length apart) and HTTP/2
   * pseudo-headers; then the configured response headers, which replace any of the same name.
   */
  static Map<String, List<String>> responseHeaders(HeaderFields upstream,
      Map<String, String> added, String requestIdHeader, String requestId) {
    int n = upstream.fieldCount();
    Set<String> listed = Set.of();
    for (int i = 0; i < n; i++) {
      String name = upstream.fieldName(i);
      if (name.length() == 10 && name.equalsIgnoreCase("connection")) {
        if (listed.isEmpty()) {
          listed = new HashSet<>();
        }
        HttpSyntax.addListElements(upstream.fieldValue(i), listed);
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = upstream.fieldName(i);
      String lower = name.toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(lower) || listed.contains(lower) || lower.equals("content-length")
          || lower.startsWith(":") || isAdded(added, lower)) {
        continue;
      }
      List<String> values = out.get(name);
      if (values == null) {
        out.put(name, List.of(upstream.fieldValue(i)));
      } else {
        List<String> more = new ArrayList<>(values); // a repeated field (Set-Cookie): rare
        more.add(upstream.fieldValue(i));
        out.put(name, more);
      }
    }
    added.forEach((k, v) -> out.put(k, List.of(v)));
    if (!containsIgnoreCase(out, requestIdHeader)) {
      out.put(requestIdHeader, List.of(requestId));
    }
    return out;
  }

  /** A map of header lists (java.net.http's) as fields, one per value, in the map's order. */
  static HeaderFields fieldsOf(Map<String, List<String>> headers) {
    List<String> flat = new ArrayList<>();
    headers.forEach((name, values) -> {
      for (String v : values) {
        flat.add(name);
        flat.add(v);
      }
    });
    return new HeaderFields() {
      @Override
      public int fieldCount() {
        return flat.size() / 2;
      }

      @Override
      public String fieldName(int i) {
        return flat.get(2 * i);
      }

      @Override
      public String fieldValue(int i) {
        return flat.get(2 * i + 1);
      }
    };
  }

  private static boolean isAdded(Map<String, String> added, String lower) {
    for (String k : added.keySet()) {
      if (k.equalsIgnoreCase(lower)) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsIgnoreCase(Map<String, List<String>> m, String name) {
    for (String k : m.keySet()) {
      if (k.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The path and query to request upstream: an origin-form target as is; the path and query of an
   * absolute-form one; {@code *} (asterisk-form, {@code OPTIONS *}) as is.
   */
  static String pathAndQuery(String target) {
    if (target.startsWith("/")) {
      return target;
    }
    if (target.equals("*")) {
      return "*";
    }
    int scheme = target.indexOf("://");
    if (scheme > 0) {
      int start = target.indexOf('/', scheme + 3);
      int q = target.indexOf('?', scheme + 3);
      if (start < 0 || (q >= 0 && q < start)) {
        return q < 0 ? "/" : "/" + target.substring(q);
      }
      return target.substring(start);
    }
    throw new RoutingException(FailureReason.INVALID_REQUEST,
        "request-target (expected: /path, an absolute URI or *)");
  }
}
