package io.github.regionalrouter.resolve;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A third-party-style provider, registered in META-INF/services for the tests. */
public final class ConstantResolverProvider implements RegionResolverProvider {
  @Override
  public String name() {
    return "constant";
  }

  @Override
  public RegionResolver create(Map<String, Object> options) {
    Object region = options.get("region");
    if (!(region instanceof String)) {
      throw new IllegalArgumentException("region: " + region + " (expected: a region name)");
    }
    RegionAnswer answer = RegionAnswer.of((String) region);
    return (host, request) -> CompletableFuture.completedFuture(answer);
  }
}
