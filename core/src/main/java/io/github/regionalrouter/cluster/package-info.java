/**
 * Upstream clusters: {@link io.github.regionalrouter.cluster.Cluster} (a named set of
 * {@link io.github.regionalrouter.cluster.Endpoint}s with its own {@link java.net.http.HttpClient},
 * timeouts, TLS settings, {@link io.github.regionalrouter.cluster.LoadBalancer} and limits) and the
 * {@link io.github.regionalrouter.cluster.ClusterRegistry} that maps names to clusters.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.cluster;
