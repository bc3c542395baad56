package io.github.regionalrouter.resolve;

import java.util.Map;

/**
 * Makes a {@link RegionResolver} that a config file names by {@link #name()}. Third-party
 * providers are found with {@link java.util.ServiceLoader}: list the implementation class in
 * {@code META-INF/services/io.github.regionalrouter.resolve.RegionResolverProvider}.
 *
 * <p>A config file selects a provider with {@code "resolver": {"type": "NAME", ...}}; every other
 * key of that object is passed to {@link #create} as an option.
 */
public interface RegionResolverProvider {

  /**
   * The name a config file uses in {@code "type"}, e.g. {@code "my-company-geo"}.
   *
   * @return the provider's name
   */
  String name();

  /**
   * Creates a resolver.
   *
   * @param options the other keys of the config object: values are {@code String},
   *     {@code Long}, {@code Double}, {@code Boolean}, {@code List} or {@code Map} as in the JSON
   * @return a new resolver
   * @throws IllegalArgumentException with a message naming the option and what was expected, when
   *     an option is missing or wrong; the config loader adds the file and line
   */
  RegionResolver create(Map<String, Object> options);
}
