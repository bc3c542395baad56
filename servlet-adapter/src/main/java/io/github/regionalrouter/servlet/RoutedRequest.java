package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RouteDecision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The request as the rest of the chain sees it: the routing header (any case) is the decided
 * region, and only that; every copy the client sent is hidden from {@code getHeader},
 * {@code getHeaders}, {@code getHeaderNames}, {@code getIntHeader} and {@code getDateHeader}.
 *
 * <p>The decision may arrive after the wrapper is made: the filter hands this wrapper to
 * {@code startAsync} before the region is known, so that whatever the container dispatches to
 * afterwards sees it. Until then the routing header reads as absent.
 */
final class RoutedRequest extends HttpServletRequestWrapper {
  private final String routingHeader;
  private volatile RouteDecision decision;

  RoutedRequest(HttpServletRequest request, String routingHeader, RouteDecision decision) {
    super(request);
    this.routingHeader = routingHeader;
    this.decision = decision;
  }

  void decision(RouteDecision decision) {
    this.decision = decision;
  }

  private String region() {
    RouteDecision d = decision;
    return d == null ? null : d.region();
  }

  private boolean isRoutingHeader(String name) {
    return routingHeader.equalsIgnoreCase(name);
  }

  @Override
  public String getHeader(String name) {
    return isRoutingHeader(name) ? region() : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (!isRoutingHeader(name)) {
      return super.getHeaders(name);
    }
    String region = region();
    return region == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(region));
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    Enumeration<String> names = super.getHeaderNames();
    List<String> out = new ArrayList<>();
    if (names != null) {
      while (names.hasMoreElements()) {
        String n = names.nextElement();
        if (!isRoutingHeader(n)) {
          out.add(n);
        }
      }
    }
    if (region() != null) {
      out.add(routingHeader);
    }
    return Collections.enumeration(out);
  }

  @Override
  public int getIntHeader(String name) {
    if (!isRoutingHeader(name)) {
      return super.getIntHeader(name);
    }
    String region = region();
    return region == null ? -1 : Integer.parseInt(region); // NumberFormatException, as specified
  }

  @Override
  public long getDateHeader(String name) {
    if (!isRoutingHeader(name)) {
      return super.getDateHeader(name);
    }
    if (region() == null) {
      return -1;
    }
    throw new IllegalArgumentException(
        "header " + routingHeader + ": a region name (expected by getDateHeader: an HTTP date)");
  }
}
