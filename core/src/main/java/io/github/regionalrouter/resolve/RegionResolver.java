package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import java.util.concurrent.CompletionStage;

/**
 * Answers which region serves a host. The one method is asynchronous: an implementation must not
 * block the calling thread (an adapter's I/O thread may be calling). Failures complete the stage
 * exceptionally; the method itself never throws for them.
 *
 * <p>Built-in resolvers come from {@link RegionResolvers}; wrap any resolver in a
 * {@link ResolverCache} to cache its answers. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RegionResolver {

  /**
   * Resolves the region of {@code host}.
   *
   * @param host the validated, normalized host: lower case, no port, no trailing dot
   * @param request a read-only view of the request that asked; a cached answer is shared by every
   *     request for the same host, so a resolver whose answer depends on more than the host must not
   *     be cached
   * @return a stage completed with the answer (a region or {@link RegionAnswer#unknown()}), or
   *     exceptionally when the region could not be found out (timeout, I/O error, bad answer)
   */
  CompletionStage<RegionAnswer> resolve(String host, InboundRequest request);
}
