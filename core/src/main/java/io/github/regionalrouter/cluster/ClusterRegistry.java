package io.github.regionalrouter.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Maps cluster names to {@link Cluster}s. Lookups are lock-free; {@link #replaceAll} swaps the
 * whole set atomically, so a reload never shows a half-updated registry and requests already
 * holding a cluster finish on it. Thread-safe.
 */
public final class ClusterRegistry implements AutoCloseable {
  private final AtomicReference<Map<String, Cluster>> clusters;

  private ClusterRegistry(Map<String, Cluster> initial) {
    this.clusters = new AtomicReference<>(initial);
  }

  /**
   * A registry of {@code clusters}.
   *
   * @throws IllegalArgumentException if two clusters share a name
   */
  public static ClusterRegistry of(Collection<Cluster> clusters) {
    return new ClusterRegistry(index(clusters));
  }

  private static Map<String, Cluster> index(Collection<Cluster> clusters) {
    Map<String, Cluster> map = new LinkedHashMap<>();
    for (Cluster c : clusters) {
      Objects.requireNonNull(c, "cluster");
      if (map.put(c.name(), c) != null) {
        throw new IllegalArgumentException("cluster name: \"" + c.name() + "\" (expected: unique)");
      }
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  /** The cluster named {@code name}, or {@code null}. */
  public Cluster get(String name) {
    return clusters.get().get(name);
  }

  /** The clusters, in registration order; a snapshot. */
  public List<Cluster> all() {
    return new ArrayList<>(clusters.get().values());
  }

  /**
   * Replaces every cluster at once. Clusters no longer present are returned (not closed): close
   * them once their in-flight requests have finished.
   */
  public List<Cluster> replaceAll(Collection<Cluster> newClusters) {
    Map<String, Cluster> next = index(newClusters);
    Map<String, Cluster> old = clusters.getAndSet(next);
    List<Cluster> removed = new ArrayList<>();
    for (Cluster c : old.values()) {
      if (next.get(c.name()) != c) {
        removed.add(c);
      }
    }
    return removed;
  }

  /** Closes every cluster. */
  @Override
  public void close() {
    for (Cluster c : clusters.get().values()) {
      c.close();
    }
  }
}
