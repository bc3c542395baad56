package io.github.regionalrouter.resolve;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A resolver's answer: a region name, or "unknown" (the resolver knows the host has no region).
 * "Unknown" is an answer, not a failure: it is cached for the negative TTL and routes as a request
 * without a routing header (so it reaches the fallback region, or fails with
 * {@code cluster_not_found}).
 *
 * <p>A region name is only ever used as a cluster name, never as a hostname, and must match
 * {@code [A-Za-z0-9_.-]{1,64}} (and not be {@code .} or {@code ..}).
 */
public final class RegionAnswer {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
  private static final RegionAnswer UNKNOWN = new RegionAnswer(null);

  private final String region;

  private RegionAnswer(String region) {
    this.region = region;
  }

  /**
   * An answer naming {@code region}.
   *
   * @param region the region name; not null
   * @return the answer
   * @throws IllegalArgumentException if the name is not a {@linkplain #isValidRegion safe region}
   */
  public static RegionAnswer of(String region) {
    Objects.requireNonNull(region, "region");
    if (!isValidRegion(region)) {
      throw new IllegalArgumentException(
          "region: \"" + printable(region) + "\" (expected: 1-64 of A-Z a-z 0-9 _ . -)");
    }
    return new RegionAnswer(region);
  }

  /**
   * The answer "this host has no region".
   *
   * @return the unknown answer; the same instance every call
   */
  public static RegionAnswer unknown() {
    return UNKNOWN;
  }

  /**
   * Whether {@code name} is a safe region name: 1-64 of {@code A-Z a-z 0-9 _ . -}, not a dot path.
   *
   * @param name the name to check; not null
   * @return true if {@code name} is a safe region name
   */
  public static boolean isValidRegion(String name) {
    return SAFE.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  /**
   * Whether the answer names a region.
   *
   * @return true if a region is named
   */
  public boolean isKnown() {
    return region != null;
  }

  /**
   * The region, if known.
   *
   * @return the region; empty when unknown
   */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /**
   * The region, or {@code null} when unknown; for hot paths that must not allocate.
   *
   * @return the region, or {@code null}
   */
  public String regionOrNull() {
    return region;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegionAnswer && Objects.equals(region, ((RegionAnswer) o).region);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(region);
  }

  @Override
  public String toString() {
    return region == null ? "RegionAnswer[unknown]" : "RegionAnswer[" + region + "]";
  }

  /** Shortens and escapes a value for an error message. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > 80) {
      b.append("...");
    }
    return b.toString();
  }
}
