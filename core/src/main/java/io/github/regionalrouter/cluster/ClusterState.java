package io.github.regionalrouter.cluster;

import java.util.List;

/**
 * The live state of one cluster in one router: a read-only view of the permits, in-flight counts
 * and outlier ejections the router keeps for the cluster's {@link #definition()}. Obtained from
 * {@code router.clusters()}; values change as requests come and go, each read is a fresh look.
 * Thread-safe. Not meant to be implemented outside this library.
 */
public interface ClusterState {

  /** The definition this state is kept for. */
  Cluster definition();

  /** The cluster's name; {@code definition().name()}. */
  default String name() {
    return definition().name();
  }

  /** The cluster's endpoints, in the order defined; {@code definition().endpoints()}. */
  default List<Endpoint> endpoints() {
    return definition().endpoints();
  }

  /** Requests forwarded to this cluster and not yet ended. */
  int inFlight();

  /**
   * Requests to {@code endpoint} not yet ended.
   *
   * @throws IllegalArgumentException if {@code endpoint} is not one of {@link #endpoints()}
   */
  int inFlight(Endpoint endpoint);

  /**
   * Failures (connect errors, 5xx answers) of {@code endpoint} since its last success.
   *
   * @throws IllegalArgumentException if {@code endpoint} is not one of {@link #endpoints()}
   */
  int consecutiveFailures(Endpoint endpoint);

  /**
   * Whether outlier detection has ejected {@code endpoint} now.
   *
   * @throws IllegalArgumentException if {@code endpoint} is not one of {@link #endpoints()}
   */
  boolean isEjected(Endpoint endpoint);

  /** The number of endpoints ejected now. */
  int ejectedEndpoints();
}
