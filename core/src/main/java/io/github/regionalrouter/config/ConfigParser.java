package io.github.regionalrouter.config;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.config.ConfigReader.Obj;
import io.github.regionalrouter.config.JsonTree.Kind;
import io.github.regionalrouter.config.JsonTree.Member;
import io.github.regionalrouter.config.JsonTree.Node;
import io.github.regionalrouter.resolve.HttpDiscoveryResolver;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolverProvider;
import io.github.regionalrouter.resolve.RegionResolvers;
import io.github.regionalrouter.route.RouteSelector;
import io.github.regionalrouter.route.RouteTable;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Walks the tree of a config file into the parts of a {@link RouterConfig}, checking every value
 * with the same builders the fluent API uses, so that a file that parses also builds.
 */
final class ConfigParser {
  private static final String[] TOP = {
    "listen", "admin", "routingHeader", "preserveHost", "allowUnderscoresInHeaders", "resolveTimeout", "discovery", "resolver",
    "fallbackRegion", "clusterNotFoundStatus", "clusters", "routes", "responseHeaders", "server"
  };
  private static final String[] DISCOVERY = {
    "url", "regionPointer", "timeout", "maxBodyBytes", "headers", "cache"
  };
  private static final String[] CACHE = {
    "ttl", "negativeTtl", "maxEntries", "staleWhileRevalidate", "staleIfError", "errorBackoff"
  };
  private static final String[] CLUSTER = {
    "name", "endpoints", "sni", "connectTimeout", "requestTimeout", "version", "loadBalancer",
    "maxConcurrentRequests", "outlierDetection"
  };
  private static final String[] SERVER = {
    "maxHeaderBytes", "maxHeaders", "headerTimeout", "bodyIdleTimeout", "drainTimeout",
    "maxRequestTime", "engine", "maxRequestLineBytes", "maxRequestBodyBytes",
    "eventLoops"
  };
  private static final String[] HTTP1_ONLY = {"headerTimeout", "maxRequestLineBytes", "eventLoops"};
  private static final String[] JDK_ONLY = {"maxRequestTime"};
  private static final String ADDRESS = "host:port or [IPv6]:port with port 0-65535";
  private static final String REGION = "a region name: 1-64 of A-Z a-z 0-9 _ . -";

  private final ConfigReader r;
  // a builder only to validate router-level values with the router's own rules
  private final RegionalRouter.Builder probe = RegionalRouter.builder();

  InetSocketAddress listen;
  InetSocketAddress admin;
  String routingHeader = "region";
  boolean preserveHost;
  boolean allowUnderscoresInHeaders;
  Duration resolveTimeout = Duration.ofSeconds(2);
  DiscoveryConfig discovery;
  ResolverConfig resolver;
  CacheConfig cache;
  String fallbackRegion;
  int clusterNotFoundStatus = 503;
  final List<ClusterConfig> clusters = new ArrayList<>();
  final List<RouteConfig> routes = new ArrayList<>();
  final Map<String, String> responseHeaders = new LinkedHashMap<>();
  ServerLimits server = ServerLimits.defaults();

  ConfigParser(String source) {
    this.r = new ConfigReader(source);
  }

  String source() {
    return r.source;
  }

  ConfigParser parse(Node root) {
    Member misplaced = root.members.get("cache");
    if (misplaced != null) {
      throw new ConfigException(r.source, misplaced.line, misplaced.column, "cache",
          "unknown key (expected: \"cache\" inside \"discovery\" or \"resolver\")");
    }
    Obj top = r.object(root, "", "a JSON object", TOP);
    Node n;
    if ((n = top.get("listen")) != null) {
      listen = address(n, "listen");
    }
    if ((n = top.get("admin")) != null) {
      admin = address(n, "admin");
    }
    if ((n = top.get("routingHeader")) != null) {
      String v = r.string(n, "routingHeader", "an HTTP header name");
      r.check(n, "routingHeader", () -> probe.routingHeader(v));
      routingHeader = v;
    }
    if ((n = top.get("preserveHost")) != null) {
      preserveHost = r.bool(n, "preserveHost");
    }
    if ((n = top.get("allowUnderscoresInHeaders")) != null) {
      allowUnderscoresInHeaders = r.bool(n, "allowUnderscoresInHeaders");
    }
    if ((n = top.get("resolveTimeout")) != null) {
      Duration d = r.duration(n, "resolveTimeout", false);
      r.check(n, "resolveTimeout", () -> probe.resolveTimeout(d));
      resolveTimeout = d;
    }
    resolverOrDiscovery(top);
    clusters(top.require("clusters", "a non-empty list of clusters"));
    if ((n = top.get("routes")) != null) {
      routes(n);
    }
    if ((n = top.get("fallbackRegion")) != null) {
      fallbackRegion(n);
    }
    if ((n = top.get("clusterNotFoundStatus")) != null) {
      int status = r.integer(n, "clusterNotFoundStatus", 100, 599);
      r.check(n, "clusterNotFoundStatus", () -> probe.clusterNotFoundStatus(status));
      clusterNotFoundStatus = status;
    }
    if ((n = top.get("responseHeaders")) != null) {
      responseHeaders(n);
    }
    if ((n = top.get("server")) != null) {
      server(n);
    }
    return this;
  }

  private InetSocketAddress address(Node n, String path) {
    String s = r.string(n, path, ADDRESS);
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf("]:");
      if (close < 0) {
        throw r.expected(n, path, ADDRESS);
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.indexOf(':');
      if (colon < 0 || colon != s.lastIndexOf(':')) {
        throw r.expected(n, path, ADDRESS);
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw r.expected(n, path, ADDRESS);
    }
    InetSocketAddress a = new InetSocketAddress(host, Integer.parseInt(port));
    if (a.isUnresolved()) {
      throw r.expected(n, path, ADDRESS + " and a host that resolves");
    }
    return a;
  }

  private void resolverOrDiscovery(Obj top) {
    Member d = top.member("discovery");
    Member res = top.member("resolver");
    if (d != null && res != null) {
      Member second = d.line < res.line || (d.line == res.line && d.column < res.column) ? res : d;
      throw new ConfigException(r.source, second.line, second.column, second.key,
          "unexpected (expected: exactly one of \"discovery\" or \"resolver\")");
    }
    if (d == null && res == null) {
      top.require("discovery", "a \"discovery\" or a \"resolver\" object");
    }
    if (d != null) {
      discovery(d.value);
    } else {
      resolver(res.value);
    }
  }

  private void discovery(Node node) {
    Obj o = r.object(node, "discovery", "an object like {\"url\": \"http://discovery/?host={host}\"}", DISCOVERY);
    Node urlNode = o.require("url", "an http or https URI template with {host}");
    String url = r.string(urlNode, o.path("url"), "an http or https URI template with {host}");
    HttpDiscoveryResolver.Builder b = r.check(urlNode, o.path("url"), () -> RegionResolvers.httpDiscovery(url));
    String pointer = null;
    Duration timeout = null;
    Integer maxBody = null;
    Node n;
    if ((n = o.get("regionPointer")) != null) {
      String p = r.string(n, o.path("regionPointer"), "a JSON Pointer like /region");
      if (!p.startsWith("/")) {
        throw r.expected(n, o.path("regionPointer"), "a JSON Pointer like /region");
      }
      r.check(n, o.path("regionPointer"), () -> b.regionPointer(p));
      pointer = p;
    }
    if ((n = o.get("timeout")) != null) {
      Duration t = r.duration(n, o.path("timeout"), false);
      r.check(n, o.path("timeout"), () -> b.timeout(t));
      timeout = t;
    }
    if ((n = o.get("maxBodyBytes")) != null) {
      int max = r.integer(n, o.path("maxBodyBytes"), 1, Integer.MAX_VALUE);
      r.check(n, o.path("maxBodyBytes"), () -> b.maxBodyBytes(max));
      maxBody = max;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if ((n = o.get("headers")) != null) {
      String path = o.path("headers");
      headers = r.stringMap(n, path, "an object of header names to values", "a header value");
      for (Member m : n.members.values()) {
        r.check(m.value, ConfigReader.child(path, m.key), () -> b.header(m.key, m.value.text));
      }
    }
    discovery = new DiscoveryConfig(url, pointer, timeout, maxBody, headers,
        new Origin(r, node, "discovery"));
    cache = cache(o.get("cache"), o.path("cache"), node);
  }

  /** {@code null} (absent) is every default, {@code false} no cache. */
  private CacheConfig cache(Node node, String path, Node parent) {
    Origin origin = new Origin(r, node == null ? parent : node, path);
    if (node == null || (node.kind == Kind.BOOLEAN && Boolean.parseBoolean(node.text))) {
      return new CacheConfig(null, null, null, null, null, null, origin);
    }
    if (node.kind == Kind.BOOLEAN) {
      return null;
    }
    Obj o = r.object(node, path, "an object of cache settings, or false for no cache", CACHE);
    Node n;
    Duration ttl = (n = o.get("ttl")) == null ? null : r.duration(n, o.path("ttl"), false);
    Duration negative = (n = o.get("negativeTtl")) == null ? null : r.duration(n, o.path("negativeTtl"), true);
    Integer max = (n = o.get("maxEntries")) == null ? null : r.integer(n, o.path("maxEntries"), 1, Integer.MAX_VALUE);
    Duration swr = (n = o.get("staleWhileRevalidate")) == null ? null : r.duration(n, o.path("staleWhileRevalidate"), true);
    Duration sie = (n = o.get("staleIfError")) == null ? null : r.duration(n, o.path("staleIfError"), true);
    Duration backoff = (n = o.get("errorBackoff")) == null ? null : r.duration(n, o.path("errorBackoff"), true);
    return new CacheConfig(ttl, negative, max, swr, sie, backoff, origin);
  }

  private void resolver(Node node) {
    String expectedType = "fixed, first-character or the name of a RegionResolverProvider";
    if (node.kind != Kind.OBJECT) {
      throw r.expected(node, "resolver", "an object like {\"type\": \"fixed\", \"hosts\": {...}}");
    }
    Obj o = r.new Obj(node, "resolver");
    Node typeNode = o.require("type", expectedType);
    String type = r.string(typeNode, o.path("type"), expectedType);
    Map<String, Object> options = new LinkedHashMap<>();
    if (type.equals(ResolverConfig.FIXED)) {
      r.object(node, "resolver", "", "type", "hosts", "cache");
      Node hosts = o.require("hosts", "an object of host to region, e.g. {\"a.com\": \"us_east1\"}");
      Map<String, String> map = r.stringMap(hosts, o.path("hosts"),
          "an object of host to region, e.g. {\"a.com\": \"us_east1\"}", REGION);
      if (map.isEmpty()) {
        throw r.expected(hosts, o.path("hosts"), "at least one host");
      }
      for (Member m : hosts.members.values()) {
        r.check(m.value, ConfigReader.child(o.path("hosts"), m.key),
            () -> RegionResolvers.fixed(Map.of(m.key, m.value.text)));
      }
      options.put("hosts", java.util.Collections.unmodifiableMap(map));
    } else if (type.equals(ResolverConfig.FIRST_CHARACTER)) {
      r.object(node, "resolver", "", "type", "even", "odd", "cache");
      for (String key : new String[] {"even", "odd"}) {
        Node v = o.require(key, REGION);
        String region = r.string(v, o.path(key), REGION);
        r.check(v, o.path(key), () -> RegionAnswer.of(region));
        options.put(key, region);
      }
    } else {
      List<String> names = new ArrayList<>(List.of(ResolverConfig.FIXED, ResolverConfig.FIRST_CHARACTER));
      for (RegionResolverProvider p : ServiceLoader.load(RegionResolverProvider.class)) {
        names.add(p.name());
      }
      if (!names.contains(type)) {
        String hint = type.equals("http") ? "; for HTTP discovery use the \"discovery\" object" : "";
        for (String known : names) {
          if (hint.isEmpty() && ConfigReader.levenshtein(type, known) <= 3) {
            hint = "; did you mean \"" + known + "\"?";
          }
        }
        throw r.expected(typeNode, o.path("type"), "one of " + String.join(", ", names) + hint);
      }
      for (Member m : node.members.values()) {
        if (!m.key.equals("type") && !m.key.equals("cache")) {
          options.put(m.key, r.plain(m.value, o.path(m.key)));
        }
      }
    }
    resolver = new ResolverConfig(type, java.util.Collections.unmodifiableMap(options),
        new Origin(r, node, "resolver"));
    cache = cache(o.get("cache"), o.path("cache"), node);
  }

  private void clusters(Node node) {
    List<Node> items = r.array(node, "clusters", "a non-empty list of clusters", true);
    Map<String, Integer> names = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String path = ConfigReader.index("clusters", i);
      Obj o = r.object(items.get(i), path,
          "a cluster like {\"name\": \"us_east1\", \"endpoints\": [\"http://10.0.0.1:8080\"]}", CLUSTER);
      Node nameNode = o.require("name", "a cluster name: 1-64 of A-Z a-z 0-9 _ . -");
      String name = r.string(nameNode, o.path("name"), "a cluster name: 1-64 of A-Z a-z 0-9 _ . -");
      Cluster.Builder b = r.check(nameNode, o.path("name"), () -> Cluster.named(name));
      Integer first = names.putIfAbsent(name, i);
      if (first != null) {
        throw r.expected(nameNode, o.path("name"),
            "a unique name; clusters[" + first + "] has it already");
      }
      clusters.add(cluster(o, name, b));
    }
  }

  private ClusterConfig cluster(Obj o, String name, Cluster.Builder b) {
    String epExpected = "a non-empty list of endpoints like \"http://10.0.0.1:8080\"";
    Node epNode = o.require("endpoints", epExpected);
    List<Node> eps = r.array(epNode, o.path("endpoints"), epExpected, true);
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < eps.size(); i++) {
      String p = ConfigReader.index(o.path("endpoints"), i);
      String uri = r.string(eps.get(i), p, "http://host:port or https://host:port");
      r.check(eps.get(i), p, () -> b.endpoint(uri));
      endpoints.add(uri);
    }
    // only what the file sets is applied, each checked at its value by the builder itself; every
    // other value stays the builder's default
    List<Consumer<Cluster.Builder>> settings = new ArrayList<>();
    Node n;
    if ((n = o.get("sni")) != null) {
      String s = r.string(n, o.path("sni"), "a TLS server name");
      set(n, o.path("sni"), b, settings, c -> c.sni(s));
      // endpoint names that differ from the sni are rejected at the sni
      r.check(n, o.path("sni"), b::build);
    }
    if ((n = o.get("connectTimeout")) != null) {
      Duration d = r.duration(n, o.path("connectTimeout"), false);
      set(n, o.path("connectTimeout"), b, settings, c -> c.connectTimeout(d));
    }
    if ((n = o.get("requestTimeout")) != null) {
      Duration d = r.duration(n, o.path("requestTimeout"), false);
      set(n, o.path("requestTimeout"), b, settings, c -> c.requestTimeout(d));
    }
    if ((n = o.get("version")) != null) {
      HttpClient.Version v = version(n, o.path("version"));
      set(n, o.path("version"), b, settings, c -> c.version(v));
    }
    if ((n = o.get("loadBalancer")) != null) {
      String v = r.string(n, o.path("loadBalancer"), "round_robin or least_request");
      set(n, o.path("loadBalancer"), b, settings, c -> c.loadBalancer(v));
    }
    if ((n = o.get("maxConcurrentRequests")) != null) {
      int max = r.integer(n, o.path("maxConcurrentRequests"), 1, Integer.MAX_VALUE);
      set(n, o.path("maxConcurrentRequests"), b, settings, c -> c.maxConcurrentRequests(max));
    }
    if ((n = o.get("outlierDetection")) != null) {
      Node od = n;
      Obj odo = r.object(od, o.path("outlierDetection"),
          "an object like {\"consecutiveFailures\": 5, \"ejectionTime\": \"30s\"}",
          "consecutiveFailures", "ejectionTime");
      // the builder sets both at once: a key the file leaves out keeps the builder's value
      Cluster current = b.build();
      int failures = current.outlierConsecutiveFailures();
      if ((n = odo.get("consecutiveFailures")) != null) {
        failures = r.integer(n, odo.path("consecutiveFailures"), 1, Integer.MAX_VALUE);
      }
      Duration ejection = duration(odo, "ejectionTime", current.outlierEjectionTime());
      int f = failures;
      set(od, o.path("outlierDetection"), b, settings, c -> c.outlierDetection(f, ejection));
    }
    return new ClusterConfig(name, endpoints, settings);
  }

  /** Applies {@code setting} to {@code b} (a builder error becomes a located config error) and keeps it. */
  private void set(Node n, String path, Cluster.Builder b, List<Consumer<Cluster.Builder>> settings,
      Consumer<Cluster.Builder> setting) {
    r.check(n, path, () -> {
      setting.accept(b);
      return b;
    });
    settings.add(setting);
  }

  private Duration duration(Obj o, String key, Duration otherwise) {
    Node n = o.get(key);
    return n == null ? otherwise : r.duration(n, o.path(key), false);
  }

  private HttpClient.Version version(Node n, String path) {
    String expected = "HTTP_1_1, HTTP_2, 1.1 or 2";
    if (n.kind != Kind.STRING) {
      throw r.expected(n, path, expected);
    }
    switch (n.text) {
      case "HTTP_1_1":
      case "1.1":
        return HttpClient.Version.HTTP_1_1;
      case "HTTP_2":
      case "2":
        return HttpClient.Version.HTTP_2;
      default:
        throw r.expected(n, path, expected);
    }
  }

  private void routes(Node node) {
    List<Node> items = r.array(node, "routes", "a non-empty list of routes", true);
    RouteTable.Builder table = RouteSelector.table(); // checks the rules as the router will
    for (int i = 0; i < items.size(); i++) {
      String path = ConfigReader.index("routes", i);
      Obj o = r.object(items.get(i), path,
          "a route like {\"domain\": \"*.example.com\", \"pathPrefix\": \"/\", \"cluster\": \"us_east1\"}",
          "domain", "pathPrefix", "cluster", "header");
      Node n;
      String domain = (n = o.get("domain")) == null ? "*" : r.string(n, o.path("domain"), "a host, *.suffix or *");
      String prefix = (n = o.get("pathPrefix")) == null ? "/" : r.string(n, o.path("pathPrefix"), "a path starting with /");
      Member cluster = o.member("cluster");
      Member header = o.member("header");
      if (cluster != null && header != null) {
        Member second = cluster.line < header.line
            || (cluster.line == header.line && cluster.column < header.column) ? header : cluster;
        throw new ConfigException(r.source, second.line, second.column, o.path(second.key),
            "unexpected (expected: exactly one of \"cluster\" or \"header\")");
      }
      if (cluster == null && header == null) {
        o.require("cluster", "\"cluster\": a cluster name, or \"header\": a header naming one");
      }
      String clusterName = null;
      String headerName = null;
      if (cluster != null) {
        clusterName = r.string(cluster.value, o.path("cluster"), "the name of a cluster");
        if (clusters.stream().noneMatch(c -> c.name().equals(cluster.value.text))) {
          throw r.expected(cluster.value, o.path("cluster"), "the name of a cluster: " + clusterNames());
        }
      } else {
        headerName = r.string(header.value, o.path("header"), "an HTTP header name");
        String h = headerName;
        r.check(header.value, o.path("header"), () -> RegionalRouter.builder().routingHeader(h));
      }
      if ((n = o.get("domain")) != null) {
        r.check(n, o.path("domain"), () -> RouteSelector.table().route(domain, "/", "probe"));
      }
      if ((n = o.get("pathPrefix")) != null) {
        r.check(n, o.path("pathPrefix"), () -> RouteSelector.table().route("*", prefix, "probe"));
      }
      RouteConfig route = new RouteConfig(domain, prefix, clusterName, headerName);
      table.route(route.domain(), route.pathPrefix(), route.target());
      routes.add(route);
    }
  }

  private void fallbackRegion(Node n) {
    String region = r.string(n, "fallbackRegion", REGION);
    r.check(n, "fallbackRegion", () -> probe.fallbackRegion(region));
    if (routes.isEmpty() && clusters.stream().noneMatch(c -> c.name().equals(region))) {
      // with the default header route, the fallback region is a cluster name
      throw r.expected(n, "fallbackRegion", "the name of a cluster: " + clusterNames());
    }
    fallbackRegion = region;
  }

  private String clusterNames() {
    List<String> names = new ArrayList<>();
    clusters.forEach(c -> names.add(c.name()));
    return String.join(", ", names);
  }

  private void responseHeaders(Node n) {
    Map<String, String> map = r.stringMap(n, "responseHeaders",
        "an object of header names to values, e.g. {\"Processed-By\": \"Regional Router\"}", "a header value");
    for (Member m : n.members.values()) {
      r.check(m.value, ConfigReader.child("responseHeaders", m.key),
          () -> probe.responseHeader(m.key, m.value.text));
    }
    responseHeaders.putAll(map);
  }

  private void server(Node node) {
    Obj o = r.object(node, "server", "an object of server limits", SERVER);
    ServerLimits d = ServerLimits.defaults();
    Node n;
    int maxHeaderBytes = (n = o.get("maxHeaderBytes")) == null ? d.maxHeaderBytes()
        : r.integer(n, o.path("maxHeaderBytes"), 1, Integer.MAX_VALUE);
    int maxHeaders = (n = o.get("maxHeaders")) == null ? d.maxHeaders()
        : r.integer(n, o.path("maxHeaders"), 1, Integer.MAX_VALUE);
    String engine = d.engine();
    if ((n = o.get("engine")) != null) {
      String expected = "\"http1\" (the strict engine, default) or \"jdk\" (com.sun.net.httpserver)";
      if (n.kind != Kind.STRING || !ServerLimits.ENGINES.contains(n.text)) {
        throw r.expected(n, o.path("engine"), expected);
      }
      engine = n.text;
    }
    // an option of one engine set with the other would be ignored: say so instead
    String other = engine.equals("jdk") ? "http1" : "jdk";
    for (String key : engine.equals("jdk") ? HTTP1_ONLY : JDK_ONLY) {
      if ((n = o.get(key)) != null) {
        throw r.error(n, o.path(key), "applies to \"engine\": \"" + other + "\" only (expected: no "
            + key + " with \"engine\": \"" + engine + "\"" + (engine.equals("jdk")
                ? "; the jdk engine bounds a whole request by maxRequestTime)"
                : "; http1 bounds the head by headerTimeout and the body by bodyIdleTimeout)"));
      }
    }
    server = new ServerLimits(maxHeaderBytes, maxHeaders,
        duration(o, "headerTimeout", d.headerTimeout()),
        duration(o, "bodyIdleTimeout", d.bodyIdleTimeout()),
        duration(o, "drainTimeout", d.drainTimeout()),
        duration(o, "maxRequestTime", null), engine,
        (n = o.get("maxRequestLineBytes")) == null ? d.maxRequestLineBytes()
            : r.integer(n, o.path("maxRequestLineBytes"), 64, Integer.MAX_VALUE),
        (n = o.get("maxRequestBodyBytes")) == null ? d.maxRequestBodyBytes()
            : r.longInteger(n, o.path("maxRequestBodyBytes"), 0),
        (n = o.get("eventLoops")) == null ? d.eventLoops() : r.integer(n, o.path("eventLoops"), 1, 1024));
  }
}
