package io.github.regionalrouter.internal.cluster;

import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.cluster.ClusterState;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Maps cluster names to the {@link ClusterRuntime}s a router owns: one made for each definition
 * given, so {@link #close()} closes this registry's runtimes only and never touches anything the
 * caller holds. The set of clusters is fixed when the registry is made. Lookups are lock-free.
 * Thread-safe.
 */
public final class ClusterRegistry implements AutoCloseable {
  private final Map<String, ClusterRuntime> clusters;
  private final Map<String, ClusterState> view;

  private ClusterRegistry(Map<String, ClusterRuntime> clusters) {
    this.clusters = clusters;
    this.view = Collections.unmodifiableMap(clusters);
  }

  /**
   * A registry with fresh runtime state for each of {@code clusters}.
   *
   * @throws IllegalArgumentException if two clusters share a name
   */
  public static ClusterRegistry of(Collection<Cluster> clusters) {
    Map<String, ClusterRuntime> map = new LinkedHashMap<>();
    for (Cluster c : clusters) {
      Objects.requireNonNull(c, "cluster");
      if (map.put(c.name(), new ClusterRuntime(c)) != null) {
        throw new IllegalArgumentException("cluster name: \"" + c.name() + "\" (expected: unique)");
      }
    }
    return new ClusterRegistry(map);
  }

  /** The runtime of the cluster named {@code name}, or {@code null}. */
  public ClusterRuntime get(String name) {
    return clusters.get(name);
  }

  /** The clusters by name, in registration order, as read-only views; unmodifiable. */
  public Map<String, ClusterState> states() {
    return view;
  }

  /** Closes every runtime of this registry. Idempotent. */
  @Override
  public void close() {
    for (ClusterRuntime c : clusters.values()) {
      c.close();
    }
  }
}
