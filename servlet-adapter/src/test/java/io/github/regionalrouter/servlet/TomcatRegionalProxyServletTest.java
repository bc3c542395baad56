package io.github.regionalrouter.servlet;

/** {@link RegionalProxyServlet} in embedded Tomcat 11. */
class TomcatRegionalProxyServletTest extends RegionalProxyServletContract {
  TomcatRegionalProxyServletTest() {
    super(TomcatContainer::start);
  }
}
