package io.github.regionalrouter.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps cluster names to the {@link Cluster}s a router owns. The registry holds its own copy of
 * each cluster it was given (same definition, runtime state of its own) and {@link #close()}
 * closes those copies only, never the objects it was given. The set of clusters is fixed when the
 * registry is made. Lookups are lock-free. Thread-safe.
 */
public final class ClusterRegistry implements AutoCloseable {
  private final Map<String, Cluster> clusters;

  private ClusterRegistry(Map<String, Cluster> clusters) {
    this.clusters = clusters;
  }

  /**
   * A registry of fresh copies of {@code clusters}: the given objects are not used, changed or
   * closed by it.
   *
   * @param clusters the clusters; none null, names unique
   * @return a new registry
   * @throws IllegalArgumentException if two clusters share a name
   */
  public static ClusterRegistry of(Collection<Cluster> clusters) {
    Map<String, Cluster> map = new LinkedHashMap<>();
    for (Cluster c : clusters) {
      Objects.requireNonNull(c, "cluster");
      if (map.put(c.name(), c.freshCopy()) != null) {
        throw new IllegalArgumentException("cluster name: \"" + c.name() + "\" (expected: unique)");
      }
    }
    return new ClusterRegistry(java.util.Collections.unmodifiableMap(map));
  }

  /**
   * The cluster named {@code name}, or {@code null}.
   *
   * @param name the cluster name, compared exactly
   * @return the cluster, or {@code null} if there is none by that name
   */
  public Cluster get(String name) {
    return clusters.get(name);
  }

  /**
   * The clusters, in registration order; a snapshot.
   *
   * @return a new list of the clusters
   */
  public List<Cluster> all() {
    return new ArrayList<>(clusters.values());
  }

  /** Closes every cluster of this registry (its copies). Idempotent. */
  @Override
  public void close() {
    for (Cluster c : clusters.values()) {
      c.close();
    }
  }
}
