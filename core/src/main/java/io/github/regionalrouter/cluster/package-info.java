/**
 * Upstream clusters: {@link io.github.regionalrouter.cluster.Cluster}, the immutable definition of
 * a named set of {@link io.github.regionalrouter.cluster.Endpoint}s with its timeouts, TLS
 * settings, load balancing policy and limits; and
 * {@link io.github.regionalrouter.cluster.ClusterState}, the read-only view of the live state
 * (permits, in-flight counts, ejections) a router keeps for each definition it was given. The
 * state itself, with the HTTP client, belongs to the router and is not API.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.cluster;
