package io.github.regionalrouter.jdkserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version this adapter was built as, from a resource Maven filters at build time. */
final class Version {
  private static final String VERSION = load();

  private Version() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
  static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties missing from the jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
