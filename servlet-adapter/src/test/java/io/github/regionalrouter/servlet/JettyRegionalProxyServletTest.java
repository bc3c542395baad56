package io.github.regionalrouter.servlet;

/** {@link RegionalProxyServlet} in embedded Jetty 12 (ee10). */
class JettyRegionalProxyServletTest extends RegionalProxyServletContract {
  JettyRegionalProxyServletTest() {
    super(JettyContainer::start);
  }
}
