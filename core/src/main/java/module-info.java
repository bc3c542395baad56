/**
 * regional-router's core: region resolution and its cache, cluster selection and the forwarding
 * data path, with no server of its own. The {@code io.github.regionalrouter.internal} packages
 * are implementation: exported only to this project's adapter modules, never to applications.
 *
 * @uses io.github.regionalrouter.resolve.RegionResolverProvider resolvers a config file names by
 *     their {@code type}
 */
module io.github.regionalrouter {
  requires transitive java.net.http; // Cluster.Builder.version(HttpClient.Version), HttpDiscoveryResolver.Builder.httpClient
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports io.github.regionalrouter;
  exports io.github.regionalrouter.cluster;
  exports io.github.regionalrouter.config;
  exports io.github.regionalrouter.forward;
  exports io.github.regionalrouter.resolve;
  exports io.github.regionalrouter.route;

  // what the standalone server's HTTP/1.1 engine shares with the core's data path
  exports io.github.regionalrouter.internal to io.github.regionalrouter.jdkserver;
  exports io.github.regionalrouter.internal.http to io.github.regionalrouter.jdkserver;
  exports io.github.regionalrouter.internal.loop to io.github.regionalrouter.jdkserver;

  uses io.github.regionalrouter.resolve.RegionResolverProvider;
}
