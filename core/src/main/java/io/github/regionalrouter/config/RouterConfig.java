package io.github.regionalrouter.config;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.route.RouteSelector;
import io.github.regionalrouter.route.RouteTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A router's config file, parsed and checked: an immutable model that builds the same objects as
 * {@link RegionalRouter#builder()}.
 *
 * <pre>{@code
 * {"listen": "127.0.0.1:8000", "admin": "127.0.0.1:9901", "routingHeader": "region",
 *  "discovery": {"url": "http://127.0.0.1:18090/discover?host={host}", "regionPointer": "/region",
 *                "timeout": "1s", "headers": {"Authorization": "Bearer x"},
 *                "cache": {"ttl": "30s", "negativeTtl": "5s", "maxEntries": 100000, "staleIfError": "5m"}},
 *  "fallbackRegion": "us_east1", "clusterNotFoundStatus": 503,
 *  "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"], "connectTimeout": "5s"},
 *               {"name": "us_central1", "endpoints": ["https://www.example.com:443"], "sni": "www.example.com"}],
 *  "responseHeaders": {"Processed-By": "Regional Router"}}
 * }</pre>
 *
 * <p>Top-level keys: {@code clusters} (required, see {@link ClusterConfig}); exactly one of
 * {@code discovery} ({@link DiscoveryConfig}) or {@code resolver} ({@link ResolverConfig}), each
 * with an optional {@code cache} ({@link CacheConfig}; {@code false} for none); {@code listen} and
 * {@code admin} ({@code host:port} or {@code [v6]:port}); {@code routingHeader} ({@code region});
 * {@code resolveTimeout} (2 s); {@code fallbackRegion} (none; without {@code routes} it must name a
 * cluster); {@code clusterNotFoundStatus} (503; or 404, 500); {@code routes} ({@link RouteConfig};
 * absent: the cluster named by the routing header); {@code responseHeaders}; {@code preserveHost}
 * (false); {@code allowUnderscoresInHeaders} (false); {@code server} ({@link ServerLimits}). Durations are written {@code 250ms}, {@code 5s},
 * {@code 5m} or {@code 1h}.
 *
 * <p>Any error is a {@link ConfigException} naming the file, line, column, field and what was
 * expected; an unknown key suggests the nearest known one.
 */
public final class RouterConfig {
  private static final String REDACTED = "<redacted>";

  private final String source;
  private final InetSocketAddress listen;
  private final InetSocketAddress admin;
  private final String routingHeader;
  private final boolean preserveHost;
  private final boolean allowUnderscoresInHeaders;
  private final Duration resolveTimeout;
  private final DiscoveryConfig discovery;
  private final ResolverConfig resolver;
  private final CacheConfig cache;
  private final String fallbackRegion;
  private final int clusterNotFoundStatus;
  private final List<ClusterConfig> clusters;
  private final List<RouteConfig> routes;
  private final Map<String, String> responseHeaders;
  private final ServerLimits server;

  private RouterConfig(ConfigParser p) {
    this.source = p.source();
    this.listen = p.listen;
    this.admin = p.admin;
    this.routingHeader = p.routingHeader;
    this.preserveHost = p.preserveHost;
    this.allowUnderscoresInHeaders = p.allowUnderscoresInHeaders;
    this.resolveTimeout = p.resolveTimeout;
    this.discovery = p.discovery;
    this.resolver = p.resolver;
    this.cache = p.cache;
    this.fallbackRegion = p.fallbackRegion;
    this.clusterNotFoundStatus = p.clusterNotFoundStatus;
    this.clusters = List.copyOf(p.clusters);
    this.routes = List.copyOf(p.routes);
    this.responseHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(p.responseHeaders));
    this.server = p.server;
  }

  /**
   * Reads and checks the config file {@code file} (UTF-8). Messages name the file as given.
   *
   * @param file the config file to read; not null
   * @return the checked config
   * @throws ConfigException if the file cannot be read or is not a valid config
   */
  public static RouterConfig load(Path file) {
    Objects.requireNonNull(file, "file");
    String name = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, 0, 0, "", "file not found (expected: a readable JSON config file)", e);
    } catch (IOException e) {
      throw new ConfigException(name, 0, 0, "", "cannot read: " + e + " (expected: a readable JSON config file)", e);
    }
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(name, 0, 0, "", "not UTF-8 text (expected: a JSON file in UTF-8)", e);
    }
    return parse(json, name);
  }

  /**
   * Parses and checks config text; {@code sourceName} (e.g. a file name) starts every message.
   *
   * @param json the config text (JSON); not null
   * @param sourceName the name messages start with, e.g. the file name; not null
   * @return the checked config
   * @throws ConfigException if the text is not a valid config
   */
  public static RouterConfig parse(String json, String sourceName) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(sourceName, "sourceName");
    return new RouterConfig(new ConfigParser(sourceName).parse(JsonTree.parse(json, sourceName)));
  }

  /**
   * A new router builder set up as this file says; each call returns a fresh builder (with fresh
   * clusters), to which listeners, an SSL context or an executor can be added before building.
   * Makes the resolver: the discovery resolver, a built-in one or a provider's.
   *
   * @return a new builder with this config's resolver, cache, clusters, routes and headers
   * @throws ConfigException if the resolver or the cache rejects its settings
   */
  public RegionalRouter.Builder toRouterBuilder() {
    RegionalRouter.Builder b = RegionalRouter.builder()
        .routingHeader(routingHeader)
        .resolveTimeout(resolveTimeout)
        .clusterNotFoundStatus(clusterNotFoundStatus);
    b.resolver(discovery != null ? discovery.build() : resolver.createResolver());
    if (cache == null) {
      b.noCache();
    } else {
      b.cache(cache.toResolverCache());
    }
    if (fallbackRegion != null) {
      b.fallbackRegion(fallbackRegion);
    }
    for (ClusterConfig c : clusters) {
      b.cluster(c.toClusterBuilder());
    }
    if (!routes.isEmpty()) {
      RouteTable.Builder table = RouteSelector.table();
      routes.forEach(r -> table.route(r.domain(), r.pathPrefix(), r.target()));
      b.routeSelector(table.build());
    }
    responseHeaders.forEach(b::responseHeader);
    return b;
  }

  /**
   * Builds the router this file describes: {@code toRouterBuilder().build()}.
   *
   * @return a new router
   * @throws ConfigException if the resolver or the cache rejects its settings
   */
  public RegionalRouter buildRouter() {
    return toRouterBuilder().build();
  }

  /**
   * The effective config (defaults filled in where this library owns them) as plain values for an
   * admin endpoint: strings, numbers, booleans, lists and maps, durations written like
   * {@code 30s}. Secrets are replaced by {@code <redacted>}: every discovery header value, and
   * every value whose key contains {@code authorization}, {@code token}, {@code secret} or
   * {@code password} (in any case).
   *
   * @return an unmodifiable map of the effective config, secrets redacted
   */
  public Map<String, Object> toRedactedMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", source);
    if (listen != null) {
      m.put("listen", address(listen));
    }
    if (admin != null) {
      m.put("admin", address(admin));
    }
    m.put("routingHeader", routingHeader);
    m.put("preserveHost", preserveHost);
    m.put("allowUnderscoresInHeaders", allowUnderscoresInHeaders);
    m.put("resolveTimeout", Durations.format(resolveTimeout));
    Map<String, Object> cacheMap = cacheMap();
    if (discovery != null) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("url", discovery.url());
      discovery.regionPointer().ifPresent(v -> d.put("regionPointer", v));
      discovery.timeout().ifPresent(v -> d.put("timeout", Durations.format(v)));
      discovery.maxBodyBytes().ifPresent(v -> d.put("maxBodyBytes", v));
      Map<String, Object> h = new LinkedHashMap<>();
      discovery.headers().keySet().forEach(k -> h.put(k, REDACTED));
      d.put("headers", h);
      d.put("cache", cacheMap == null ? false : cacheMap);
      m.put("discovery", d);
    } else {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("type", resolver.type());
      r.putAll(resolver.options());
      r.put("cache", cacheMap == null ? false : cacheMap);
      m.put("resolver", r);
    }
    if (fallbackRegion != null) {
      m.put("fallbackRegion", fallbackRegion);
    }
    m.put("clusterNotFoundStatus", clusterNotFoundStatus);
    List<Object> cs = new ArrayList<>();
    for (ClusterConfig c : clusters) {
      // effective values from the cluster the entry builds: the file's, else the builder's defaults
      Cluster k = c.effective();
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name());
      cm.put("endpoints", c.endpoints());
      k.sni().ifPresent(v -> cm.put("sni", v));
      cm.put("connectTimeout", Durations.format(k.connectTimeout()));
      cm.put("requestTimeout", Durations.format(k.requestTimeout()));
      cm.put("version", k.version().name());
      cm.put("loadBalancer", k.loadBalancerName());
      cm.put("maxConcurrentRequests", k.maxConcurrentRequests());
      cm.put("outlierDetection", Map.of(
          "consecutiveFailures", k.outlierConsecutiveFailures(),
          "ejectionTime", Durations.format(k.outlierEjectionTime())));
      cs.add(cm);
    }
    m.put("clusters", cs);
    if (!routes.isEmpty()) {
      List<Object> rs = new ArrayList<>();
      for (RouteConfig r : routes) {
        Map<String, Object> rm = new LinkedHashMap<>();
        rm.put("domain", r.domain());
        rm.put("pathPrefix", r.pathPrefix());
        r.cluster().ifPresent(v -> rm.put("cluster", v));
        r.header().ifPresent(v -> rm.put("header", v));
        rs.add(rm);
      }
      m.put("routes", rs);
    }
    m.put("responseHeaders", new LinkedHashMap<>(responseHeaders));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("maxHeaderBytes", server.maxHeaderBytes());
    s.put("maxHeaders", server.maxHeaders());
    s.put("headerTimeout", Durations.format(server.headerTimeout()));
    s.put("bodyIdleTimeout", Durations.format(server.bodyIdleTimeout()));
    s.put("drainTimeout", Durations.format(server.drainTimeout()));
    server.maxRequestTime().ifPresent(v -> s.put("maxRequestTime", Durations.format(v)));
    s.put("engine", server.engine());
    s.put("maxRequestLineBytes", server.maxRequestLineBytes());
    if (server.eventLoops() > 0) {
      s.put("eventLoops", server.eventLoops());
    }
    if (server.maxRequestBodyBytes() != Long.MAX_VALUE) {
      s.put("maxRequestBodyBytes", server.maxRequestBodyBytes());
    }
    m.put("server", s);
    @SuppressWarnings("unchecked")
    Map<String, Object> redacted = (Map<String, Object>) redact(m);
    return redacted;
  }

  private Map<String, Object> cacheMap() {
    if (cache == null) {
      return null;
    }
    Map<String, Object> c = new LinkedHashMap<>();
    cache.ttl().ifPresent(v -> c.put("ttl", Durations.format(v)));
    cache.negativeTtl().ifPresent(v -> c.put("negativeTtl", Durations.format(v)));
    cache.maxEntries().ifPresent(v -> c.put("maxEntries", v));
    cache.staleWhileRevalidate().ifPresent(v -> c.put("staleWhileRevalidate", Durations.format(v)));
    cache.staleIfError().ifPresent(v -> c.put("staleIfError", Durations.format(v)));
    cache.errorBackoff().ifPresent(v -> c.put("errorBackoff", Durations.format(v)));
    return c;
  }

  private static String address(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Copies {@code value} deeply, unmodifiable, with secret-named keys' values redacted. */
  private static Object redact(Object value) {
    if (value instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) value).forEach((k, v) -> out.put(String.valueOf(k),
          isSecret(String.valueOf(k)) && v != null ? REDACTED : redact(v)));
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List) {
      List<Object> out = new ArrayList<>();
      ((List<?>) value).forEach(v -> out.add(redact(v)));
      return Collections.unmodifiableList(out);
    }
    return value;
  }

  /** Whether a key's value is a secret by its name. */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("authorization") || k.contains("token") || k.contains("secret")
        || k.contains("password");
  }

  /**
   * The source name: the file as given to {@link #load}, or the name given to {@link #parse}.
   *
   * @return the source name; never null
   */
  public String source() {
    return source;
  }

  /**
   * {@code listen}: the proxy's address, if set.
   *
   * @return the proxy's address; empty if not set
   */
  public Optional<InetSocketAddress> listen() {
    return Optional.ofNullable(listen);
  }

  /**
   * {@code admin}: the admin endpoint's address, if set.
   *
   * @return the admin endpoint's address; empty if not set
   */
  public Optional<InetSocketAddress> admin() {
    return Optional.ofNullable(admin);
  }

  /**
   * {@code routingHeader}; {@code region} unless set.
   *
   * @return the routing header's name
   */
  public String routingHeader() {
    return routingHeader;
  }

  /**
   * {@code preserveHost}: whether the client's Host goes upstream; false unless set.
   *
   * @return true if the client's Host header is sent upstream
   */
  public boolean preserveHost() {
    return preserveHost;
  }

  /**
   * {@code allowUnderscoresInHeaders}: whether request headers with an {@code _} in their name go
   * upstream; false unless set (they are dropped, see
   * {@link io.github.regionalrouter.forward.Forwarder.Builder#allowUnderscoresInHeaders}).
   *
   * @return true if headers with an underscore in their name are forwarded
   */
  public boolean allowUnderscoresInHeaders() {
    return allowUnderscoresInHeaders;
  }

  /**
   * {@code resolveTimeout}: the deadline of region resolution; 2 s unless set.
   *
   * @return the resolution deadline; positive
   */
  public Duration resolveTimeout() {
    return resolveTimeout;
  }

  /**
   * {@code discovery}, when the file uses HTTP discovery.
   *
   * @return the discovery settings; empty when the file uses {@code resolver}
   */
  public Optional<DiscoveryConfig> discovery() {
    return Optional.ofNullable(discovery);
  }

  /**
   * {@code resolver}, when the file uses another resolver.
   *
   * @return the resolver settings; empty when the file uses {@code discovery}
   */
  public Optional<ResolverConfig> resolver() {
    return Optional.ofNullable(resolver);
  }

  /**
   * The cache settings; empty when {@code "cache": false}, every default when not in the file.
   *
   * @return the cache settings; empty when caching is off
   */
  public Optional<CacheConfig> cache() {
    return Optional.ofNullable(cache);
  }

  /**
   * {@code fallbackRegion}, if set.
   *
   * @return the fallback region; empty if not set
   */
  public Optional<String> fallbackRegion() {
    return Optional.ofNullable(fallbackRegion);
  }

  /**
   * {@code clusterNotFoundStatus}: 503 (the default), 404 or 500.
   *
   * @return the HTTP status answered when no cluster matches: 503, 404 or 500
   */
  public int clusterNotFoundStatus() {
    return clusterNotFoundStatus;
  }

  /**
   * {@code clusters}, in file order; at least one, names unique.
   *
   * @return the clusters, unmodifiable, in file order
   */
  public List<ClusterConfig> clusters() {
    return clusters;
  }

  /**
   * {@code routes}, in file order; empty means the cluster named by the routing header.
   *
   * @return the routes, unmodifiable, in file order; may be empty
   */
  public List<RouteConfig> routes() {
    return routes;
  }

  /**
   * {@code responseHeaders}, in file order.
   *
   * @return the response headers (name to value), unmodifiable, in file order
   */
  public Map<String, String> responseHeaders() {
    return responseHeaders;
  }

  /**
   * {@code server}: the adapters' limits; every default when not in the file.
   *
   * @return the server limits; never null
   */
  public ServerLimits server() {
    return server;
  }

  @Override
  public String toString() {
    return "RouterConfig[" + source + "]";
  }
}
