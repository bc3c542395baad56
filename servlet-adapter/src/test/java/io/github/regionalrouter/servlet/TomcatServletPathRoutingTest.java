package io.github.regionalrouter.servlet;

/** {@link ServletPathRoutingContract} in embedded Tomcat. */
class TomcatServletPathRoutingTest extends ServletPathRoutingContract {
  TomcatServletPathRoutingTest() {
    super(TomcatContainer::start);
  }
}
