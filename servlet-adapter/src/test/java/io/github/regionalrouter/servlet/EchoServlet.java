package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RouteDecision;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The downstream servlet of the filter tests: answers {@code key=value} lines telling what it saw
 * of the routing header and the decision attribute. A request for {@code .../redispatch} first
 * starts async and dispatches itself once more, as async servlets do.
 */
final class EchoServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final String REDISPATCHED = "echo.redispatched";

  private final String routingHeader;
  private final AtomicInteger calls = new AtomicInteger();

  EchoServlet(String routingHeader) {
    this.routingHeader = routingHeader;
  }

  /** How many requests reached the servlet's answer. */
  int calls() {
    return calls.get();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (req.getRequestURI().endsWith("/redispatch") && req.getAttribute(REDISPATCHED) == null) {
      req.setAttribute(REDISPATCHED, Boolean.TRUE);
      req.startAsync().dispatch();
      return;
    }
    calls.incrementAndGet();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("region", req.getHeader(routingHeader));
    out.put("REGION", req.getHeader(routingHeader.toUpperCase(Locale.ROOT)));
    out.put("headers", String.join(",", Collections.list(req.getHeaders(routingHeader))));
    List<String> names = new ArrayList<>();
    for (String n : Collections.list(req.getHeaderNames())) {
      if (n.equalsIgnoreCase(routingHeader)) {
        names.add(n);
      }
    }
    out.put("names", String.join(",", names));
    Object d = req.getAttribute(RegionRoutingFilter.DECISION_ATTRIBUTE);
    if (d instanceof RouteDecision) {
      RouteDecision decision = (RouteDecision) d;
      out.put("decision.region", decision.region());
      out.put("decision.source", decision.regionSource().name());
      out.put("decision.cluster", decision.cluster().name());
      out.put("decision.endpoint", decision.endpoint().authority());
    }
    out.put("dispatch", req.getDispatcherType().name());
    out.put("thread", Thread.currentThread().getName());
    StringBuilder body = new StringBuilder();
    out.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
    resp.setContentType("text/plain;charset=UTF-8");
    resp.getWriter().print(body);
  }

  /** Parses an answer of this servlet. */
  static Map<String, String> parse(String body) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }
}
