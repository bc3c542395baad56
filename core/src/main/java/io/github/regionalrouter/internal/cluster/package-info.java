/**
 * The runtime of a router's clusters: {@link io.github.regionalrouter.internal.cluster.ClusterRuntime}
 * (permits, in-flight counts, outlier ejections, the load balancer, the HTTP client and its
 * executor) made from a public {@link io.github.regionalrouter.cluster.Cluster} definition, and the
 * {@link io.github.regionalrouter.internal.cluster.ClusterRegistry} a router keeps them in.
 * Internal: anything here may change or disappear in any release. Do not import it.
 */
package io.github.regionalrouter.internal.cluster;
