package io.github.regionalrouter.cluster;

import java.util.List;

/**
 * The live state of one cluster in one router: a read-only view of the permits, in-flight counts
 * and outlier ejections the router keeps for the cluster's {@link #definition()}. Obtained from
 * {@code router.clusters()}; values change as requests come and go, each read is a fresh look.
 * Thread-safe. Not meant to be implemented outside this library.
 */
public interface ClusterState {

  /**
   * The definition this state is kept for.
   *
   * @return the cluster definition the router was built with; never null
   */
  Cluster definition();

  /**
   * The cluster's name; {@code definition().name()}.
   *
   * @return the cluster's name
   */
  default String name() {
    return definition().name();
  }

  /**
   * The cluster's endpoints, in the order defined; {@code definition().endpoints()}.
   *
   * @return an unmodifiable, non-empty list
   */
  default List<Endpoint> endpoints() {
    return definition().endpoints();
  }

  /**
   * Requests forwarded to this cluster and not yet ended.
   *
   * @return the count now; zero or more
   */
  int inFlight();

  /**
   * Requests to {@code endpoint} not yet ended.
   *
   * @param endpoint one of this cluster's endpoints
   * @return the count now; zero or more
   * @throws IllegalArgumentException if {@code endpoint} is not one of {@link #endpoints()}
   */
  int inFlight(Endpoint endpoint);

  /**
   * Failures (connect errors, 5xx answers) of {@code endpoint} since its last success.
   *
   * @param endpoint one of this cluster's endpoints
   * @return the count now; zero or more
   * @throws IllegalArgumentException if {@code endpoint} is not one of {@link #endpoints()}
   */
  int consecutiveFailures(Endpoint endpoint);

  /**
   * Whether outlier detection has ejected {@code endpoint} now.
   *
   * @param endpoint one of this cluster's endpoints
   * @return {@code true} if it is ejected and its ejection time has not yet passed
   * @throws IllegalArgumentException if {@code endpoint} is not one of {@link #endpoints()}
   */
  boolean isEjected(Endpoint endpoint);

  /**
   * The number of endpoints ejected now.
   *
   * @return zero up to half of the cluster's endpoints, rounded down
   */
  int ejectedEndpoints();
}
