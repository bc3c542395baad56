package io.github.regionalrouter.servlet;

/** The hostile requests against the servlet adapter in embedded Jetty 12 (ee10). */
class JettyServletHostileRequestTest extends ServletHostileRequestContract {
  JettyServletHostileRequestTest() {
    super(JettyContainer::start, Kind.JETTY);
  }
}
