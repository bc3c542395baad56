/**
 * Cluster selection: a {@link io.github.regionalrouter.route.RouteSelector} turns a request whose
 * region is known into a cluster name: from a header (Envoy's {@code cluster_header}), a fixed
 * cluster, or a small route table by domain and path prefix.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies, except where a method says it
 * returns {@code null}.
 */
package io.github.regionalrouter.route;
