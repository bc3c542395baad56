package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Factories of the built-in {@link RegionResolver}s.
 */
public final class RegionResolvers {
  private RegionResolvers() {}

  /**
   * A resolver that asks an HTTP discovery service, e.g.
   * {@code httpDiscovery("http://discovery:8080/regions?host={host}")}. The {@code {host}}
   * placeholder is replaced by the percent-encoded host.
   *
   * @param uriTemplate an {@code http} or {@code https} URI containing {@code {host}}
   * @return a builder; see its setters for the defaults (1 s timeout, 64 KiB body cap,
   *     region at JSON Pointer {@code /region})
   * @throws IllegalArgumentException if the template is not such a URI
   */
  public static HttpDiscoveryResolver.Builder httpDiscovery(String uriTemplate) {
    return HttpDiscoveryResolver.builder(uriTemplate);
  }

  /**
   * A resolver that answers from a fixed map. Keys are exact hosts ({@code api.example.com}) or
   * wildcards ({@code *.example.com}, which matches any host ending in {@code .example.com} but not
   * {@code example.com} itself); an exact key wins over a wildcard, and a longer wildcard over a
   * shorter one. A host that matches no key is {@link RegionAnswer#unknown() unknown}.
   *
   * @param hostToRegion host or {@code *.suffix} keys to region names; not null, copied
   * @return a new resolver
   * @throws IllegalArgumentException if a key is empty or a value is not a safe region name
   */
  public static RegionResolver fixed(Map<String, String> hostToRegion) {
    Map<String, RegionAnswer> exact = new LinkedHashMap<>();
    Map<String, RegionAnswer> suffixes = new LinkedHashMap<>();
    hostToRegion.forEach(
        (key, region) -> {
          String k = key.toLowerCase(Locale.ROOT);
          RegionAnswer answer = RegionAnswer.of(region);
          if (k.startsWith("*.") && k.length() > 2) {
            suffixes.put(k.substring(1), answer); // ".example.com"
          } else if (!k.isEmpty() && !k.contains("*")) {
            exact.put(k, answer);
          } else {
            throw new IllegalArgumentException(
                "host: \"" + key + "\" (expected: an exact host or *.suffix)");
          }
        });
    Map<String, RegionAnswer> exactCopy = Map.copyOf(exact);
    Map<String, RegionAnswer> suffixCopy = Map.copyOf(suffixes);
    return new RegionResolver() {
      @Override
      public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
        RegionAnswer answer = exactCopy.get(host);
        if (answer == null && !suffixCopy.isEmpty()) {
          // longest matching suffix first: walk the host's dots from the left
          for (int i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
            answer = suffixCopy.get(host.substring(i));
            if (answer != null) {
              break;
            }
          }
        }
        return CompletableFuture.completedFuture(answer == null ? RegionAnswer.unknown() : answer);
      }

      @Override
      public String toString() {
        return "fixed" + hostToRegion;
      }
    };
  }

  /**
   * The original demo's mock: a host whose first character has an even char code is in
   * {@code evenRegion}, an odd one in {@code oddRegion}. Only for demos and tests.
   *
   * @param evenRegion the region of hosts whose first character's code is even; a safe region name
   * @param oddRegion the region of hosts whose first character's code is odd; a safe region name
   * @return a new resolver
   * @throws IllegalArgumentException if a region is not a safe region name
   */
  public static RegionResolver firstCharacter(String evenRegion, String oddRegion) {
    RegionAnswer even = RegionAnswer.of(evenRegion);
    RegionAnswer odd = RegionAnswer.of(oddRegion);
    CompletableFuture<RegionAnswer> evenStage = CompletableFuture.completedFuture(even);
    CompletableFuture<RegionAnswer> oddStage = CompletableFuture.completedFuture(odd);
    return new RegionResolver() {
      @Override
      public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
        // minimalCompletionStage: callers cannot complete or obtrude our shared futures
        return ((host.charAt(0) & 1) == 0 ? evenStage : oddStage).minimalCompletionStage();
      }

      @Override
      public String toString() {
        return "firstCharacter[even=" + evenRegion + ", odd=" + oddRegion + "]";
      }
    };
  }

  /**
   * Creates a resolver with the {@link RegionResolverProvider} named {@code type}, found with
   * {@link ServiceLoader} in the context class loader.
   *
   * @param type the provider's {@link RegionResolverProvider#name()}; not null
   * @param options the options passed to {@link RegionResolverProvider#create}; not null
   * @return the provider's new resolver
   * @throws IllegalArgumentException if no provider has that name
   */
  public static RegionResolver fromProvider(String type, Map<String, Object> options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
    StringBuilder known = new StringBuilder();
    for (RegionResolverProvider p : ServiceLoader.load(RegionResolverProvider.class)) {
      if (p.name().equals(type)) {
        return p.create(Map.copyOf(options));
      }
      known.append(known.length() == 0 ? "" : ", ").append(p.name());
    }
    throw new IllegalArgumentException(
        "resolver type: \"" + type + "\" (expected: http, fixed, first-character"
            + (known.length() == 0 ? "" : ", " + known)
            + ")");
  }
}
