/**
 * The JSON config file: {@link io.github.regionalrouter.config.RouterConfig#load} reads a file into
 * an immutable model that builds the same objects as the fluent API
 * ({@link io.github.regionalrouter.config.RouterConfig#toRouterBuilder()}). Every error is a
 * {@link io.github.regionalrouter.config.ConfigException} naming the file, line, column, field and
 * what was expected.
 *
 * <p>The file is read with jackson-core's streaming parser only (no data binding). It is strict
 * JSON: no comments, no trailing commas, no duplicate keys, one top-level object.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.config;
