package io.github.regionalrouter.servlet;

/** {@link ServletPathRoutingContract} in embedded Jetty. */
class JettyServletPathRoutingTest extends ServletPathRoutingContract {
  JettyServletPathRoutingTest() {
    super(JettyContainer::start);
  }
}
