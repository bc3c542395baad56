/**
 * Region resolution: the {@link io.github.regionalrouter.resolve.RegionResolver} SPI, the built-in
 * resolvers from {@link io.github.regionalrouter.resolve.RegionResolvers}, and the cache that wraps
 * any of them ({@link io.github.regionalrouter.resolve.ResolverCache}).
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.resolve;
