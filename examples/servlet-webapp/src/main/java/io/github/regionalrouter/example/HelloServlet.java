package io.github.regionalrouter.example;

import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.servlet.RegionRoutingFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Stands for the gateway code behind {@link RegionRoutingFilter}: it reads the resolved region
 * from the routing header, and the whole decision from the request attribute.
 */
public class HelloServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    RouteDecision decision = (RouteDecision) req.getAttribute(RegionRoutingFilter.DECISION_ATTRIBUTE);
    resp.setContentType("text/plain;charset=UTF-8");
    PrintWriter out = resp.getWriter();
    out.println("Hello from " + req.getServerName());
    out.println("region header: " + req.getHeader("region"));
    out.println("cluster: " + decision.cluster().name() + ", endpoint: " + decision.endpoint());
  }
}
