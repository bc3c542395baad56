package io.github.regionalrouter.config;

import io.github.regionalrouter.config.JsonTree.Node;
import java.util.function.Supplier;

/**
 * Where a part of the model came from, so that a builder rejecting it later (when the router is
 * built) still fails with the file, line, column and field.
 */
final class Origin {
  private final ConfigReader reader;
  private final Node node;
  private final String path;

  Origin(ConfigReader reader, Node node, String path) {
    this.reader = reader;
    this.node = node;
    this.path = path;
  }

  /** Runs {@code call}, turning a builder's rejection into a {@link ConfigException} here. */
  <T> T check(Supplier<T> call) {
    return reader.check(node, path, call);
  }
}
