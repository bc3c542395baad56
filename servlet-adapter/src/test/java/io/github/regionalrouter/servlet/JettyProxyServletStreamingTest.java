package io.github.regionalrouter.servlet;

/** {@link RegionalProxyServlet} streaming 100 MiB in embedded Jetty 12 (ee10). */
class JettyProxyServletStreamingTest extends ProxyServletStreamingContract {
  JettyProxyServletStreamingTest() {
    super("jetty");
  }
}
