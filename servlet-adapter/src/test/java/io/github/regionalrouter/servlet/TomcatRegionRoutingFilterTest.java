package io.github.regionalrouter.servlet;

/** {@link RegionRoutingFilter} in embedded Tomcat 11. */
class TomcatRegionRoutingFilterTest extends RegionRoutingFilterContract {
  TomcatRegionRoutingFilterTest() {
    super(TomcatContainer::start, 8);
  }
}
