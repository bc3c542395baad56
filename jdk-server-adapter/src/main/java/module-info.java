/**
 * The standalone and embeddable reverse proxy of regional-router:
 * {@link io.github.regionalrouter.jdkserver.RegionalProxyServer} on the project's strict HTTP/1.1
 * engine (the package {@code io.github.regionalrouter.jdkserver.http1}, not exported: it is that
 * server's implementation) or on the JDK's {@code com.sun.net.httpserver}.
 */
module io.github.regionalrouter.jdkserver {
  requires transitive io.github.regionalrouter;
  requires com.fasterxml.jackson.core;
  requires java.management; // the admin counters as an MBean
  requires jdk.httpserver;
  requires org.slf4j;

  exports io.github.regionalrouter.jdkserver;
}
