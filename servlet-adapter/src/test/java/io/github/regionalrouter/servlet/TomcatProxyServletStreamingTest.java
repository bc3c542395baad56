package io.github.regionalrouter.servlet;

/** {@link RegionalProxyServlet} streaming 100 MiB in embedded Tomcat 11. */
class TomcatProxyServletStreamingTest extends ProxyServletStreamingContract {
  TomcatProxyServletStreamingTest() {
    super("tomcat");
  }
}
