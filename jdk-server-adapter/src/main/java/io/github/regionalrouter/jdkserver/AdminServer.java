package io.github.regionalrouter.jdkserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.ClusterState;
import io.github.regionalrouter.cluster.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The admin listener: {@code GET /ready} (200, or 503 while draining or once an event loop died), {@code GET /stats} (the
 * router's counters, the cache's, in-flight per cluster), {@code GET /clusters} (endpoints and
 * their health), {@code GET /config} (the version, then the effective config, secrets redacted by its supplier).
 */
final class AdminServer {
  private final HttpServer server;
  private final RegionalProxyServer proxy;
  private final Supplier<Map<String, Object>> config;

  AdminServer(InetSocketAddress address, RegionalProxyServer proxy, Supplier<Map<String, Object>> config,
      Executor executor) throws IOException {
    this.proxy = proxy;
    this.config = config;
    this.server = HttpServer.create(address, 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  void start() {
    server.start();
  }

  void stop() {
    server.stop(0);
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        send(ex, 405, "text/plain; charset=utf-8", "405 method not allowed (expected: GET)\n");
        return;
      }
      switch (path) {
        case "/ready":
          String notReady = proxy.notReadyReason();
          if (notReady != null) {
            send(ex, 503, "text/plain; charset=utf-8", notReady + "\n");
          } else {
            send(ex, 200, "text/plain; charset=utf-8", "ready\n");
          }
          return;
        case "/stats":
          send(ex, 200, "application/json", Json.write(stats(proxy)));
          return;
        case "/clusters":
          send(ex, 200, "application/json", Json.write(clusters(proxy.router())));
          return;
        case "/config":
          Map<String, Object> shown = new LinkedHashMap<>();
          shown.put("version", Version.get());
          shown.putAll(config.get());
          send(ex, 200, "application/json", Json.write(shown));
          return;
        default:
          send(ex, 404, "text/plain; charset=utf-8", "404 not found (expected: /ready, /stats, /clusters, /config)\n");
      }
    } catch (RuntimeException e) {
      send(ex, 500, "text/plain; charset=utf-8", "500 " + e.getClass().getSimpleName() + "\n");
    }
  }

  /** The counters of {@code /stats} and of the MBean. */
  static Map<String, Object> stats(RegionalProxyServer proxy) {
    RegionalRouter router = proxy.router();
    Map<String, Object> m = new LinkedHashMap<>(router.stats().snapshot());
    m.put("serverInFlight", proxy.inFlight());
    m.put("draining", proxy.isDraining());
    router.cacheStats().ifPresent(c -> {
      Map<String, Object> cache = new LinkedHashMap<>();
      cache.put("hits", c.hits());
      cache.put("staleHits", c.staleHits());
      cache.put("misses", c.misses());
      cache.put("discoveryCalls", c.loads());
      cache.put("discoveryFailures", c.loadFailures());
      cache.put("evictions", c.evictions());
      cache.put("size", c.size());
      m.put("resolverCache", cache);
    });
    Map<String, Object> inFlight = new LinkedHashMap<>();
    for (ClusterState c : router.clusters().values()) {
      inFlight.put(c.name(), c.inFlight());
    }
    m.put("clusterInFlight", inFlight);
    return m;
  }

  static List<Object> clusters(RegionalRouter router) {
    List<Object> out = new ArrayList<>();
    for (ClusterState c : router.clusters().values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("inFlight", c.inFlight());
      m.put("maxConcurrentRequests", c.definition().maxConcurrentRequests());
      m.put("ejectedEndpoints", c.ejectedEndpoints());
      List<Object> eps = new ArrayList<>();
      for (Endpoint e : c.endpoints()) {
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("uri", e.toString());
        em.put("healthy", !c.isEjected(e));
        em.put("inFlight", c.inFlight(e));
        em.put("consecutiveFailures", c.consecutiveFailures(e));
        eps.add(em);
      }
      m.put("endpoints", eps);
      out.add(m);
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : b.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }
}
