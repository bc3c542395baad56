package io.github.regionalrouter.servlet;

/** {@link RegionRoutingFilter} in embedded Jetty 12 (ee10). */
class JettyRegionRoutingFilterTest extends RegionRoutingFilterContract {
  JettyRegionRoutingFilterTest() {
    super(JettyContainer::start, 12); // 10 request threads: the acceptor and selector take two
  }
}
