package io.github.regionalrouter.servlet;

/** The hostile requests against the servlet adapter in embedded Tomcat 11. */
class TomcatServletHostileRequestTest extends ServletHostileRequestContract {
  TomcatServletHostileRequestTest() {
    super(TomcatContainer::start, Kind.TOMCAT);
  }
}
