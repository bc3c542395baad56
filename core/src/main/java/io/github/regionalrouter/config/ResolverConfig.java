package io.github.regionalrouter.config;

import io.github.regionalrouter.resolve.RegionResolver;
import io.github.regionalrouter.resolve.RegionResolverProvider;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.util.Map;

/**
 * The {@code "resolver"} object: a resolver other than HTTP discovery. Immutable.
 *
 * <pre>{@code
 * "resolver": {"type": "fixed", "hosts": {"a.com": "us_east1", "*.b.com": "us_central1"}}
 * "resolver": {"type": "first-character", "even": "us_east1", "odd": "us_central1"}
 * "resolver": {"type": "my-geo", ...options}     // a RegionResolverProvider named my-geo
 * }</pre>
 *
 * <p>Besides {@code type}, the key {@code cache} is reserved (read into {@link RouterConfig#cache()});
 * every other key is an option, passed to a provider as plain Java values.
 */
public final class ResolverConfig {
  /** The built-in types. */
  static final String FIXED = "fixed";
  static final String FIRST_CHARACTER = "first-character";

  private final String type;
  private final Map<String, Object> options;
  private final Origin origin;

  ResolverConfig(String type, Map<String, Object> options, Origin origin) {
    this.type = type;
    this.options = options;
    this.origin = origin;
  }

  /**
   * {@code type}: {@code fixed}, {@code first-character} or a {@link RegionResolverProvider}'s name.
   *
   * @return the resolver type
   */
  public String type() {
    return type;
  }

  /**
   * The other keys, as {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List}
   * or {@code Map} values; for {@code fixed} the key {@code hosts}, for {@code first-character}
   * {@code even} and {@code odd}.
   *
   * @return the options by key, as read from the file
   */
  public Map<String, Object> options() {
    return options;
  }

  /**
   * Makes the resolver: a built-in one, or the provider's ({@link RegionResolvers#fromProvider}).
   *
   * @return a new resolver of this type with these options
   * @throws ConfigException if the provider rejects the options
   */
  @SuppressWarnings("unchecked")
  public RegionResolver createResolver() {
    return origin.check(
        () -> {
          switch (type) {
            case FIXED:
              return RegionResolvers.fixed((Map<String, String>) (Map<String, ?>) options.get("hosts"));
            case FIRST_CHARACTER:
              return RegionResolvers.firstCharacter((String) options.get("even"), (String) options.get("odd"));
            default:
              return RegionResolvers.fromProvider(type, options);
          }
        });
  }

  @Override
  public String toString() {
    return "ResolverConfig[" + type + "]";
  }
}
