package io.github.regionalrouter.benchmarks;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load benchmark: starts, each in its own JVM on loopback, two upstream clusters, a discovery
 * service and the standalone proxy, then drives the upstream directly and the proxy with
 * {@code wrk} using 100 rotating Host headers, in the same run, and prints requests/s, p50, p99 and
 * the ratio proxy/direct.
 *
 * <p>Run with {@code benchmarks/load.sh} (which installs wrk and builds). Options:
 * {@code --connections 64,8 --duration 10 --threads 2 --warmup 20 --proxy-opts "-Xmx256m"}, and
 * {@code --access-log} to keep the proxy's per-request access log on (off by default), and
 * {@code --upstream jdk|http1}: the upstreams on the JDK's {@code com.sun.net.httpserver} (the
 * default, the upstream of the figures in benchmarks/README.md) or on this project's http1 engine
 * with one event-loop thread, a lean upstream that shows what the proxy itself adds to latency
 * (see {@link HelloUpstream}).
 *
 * <p>Warm-up: each target first takes {@code --warmup} seconds of load at the largest connection
 * count (the proxy also fills its cache for all 100 hosts then). Measured here, the proxy's JIT is
 * still compiling after 5 s, and a c64 run right after it read 4-5k req/s where the same process,
 * warm, does 10-13k (JDK 17): without a real warm-up the figure is the compiler's, not the proxy's.
 */
public final class LoadBenchmark {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PCT =
      Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern ERRORS =
      Pattern.compile("(Non-2xx or 3xx responses|Socket errors):\\s*(.*)");

  private final Path work;
  private final Processes processes;

  private LoadBenchmark() throws IOException {
    this.work = Files.createTempDirectory("rr-load");
    this.processes = new Processes(work);
  }

  public static void main(String[] args) throws Exception {
    List<Integer> connections = List.of(64, 8);
    int duration = 10;
    int threads = 2;
    int warmup = 20;
    String proxyOpts = "";
    boolean accessLog = false;
    String upstream = "jdk";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--connections":
          connections = new ArrayList<>();
          for (String c : args[++i].split(",")) {
            connections.add(Integer.parseInt(c.trim()));
          }
          break;
        case "--duration":
          duration = Integer.parseInt(args[++i]);
          break;
        case "--threads":
          threads = Integer.parseInt(args[++i]);
          break;
        case "--warmup":
          warmup = Integer.parseInt(args[++i]);
          break;
        case "--access-log":
          accessLog = true;
          break;
        case "--proxy-opts":
          proxyOpts = args[++i];
          break;
        case "--upstream":
          upstream = args[++i];
          if (!upstream.equals("jdk") && !upstream.equals("http1")) {
            throw new IllegalArgumentException("--upstream " + upstream + " (expected: jdk or http1)");
          }
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    LoadBenchmark bench = new LoadBenchmark();
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
    try {
      bench.run(connections, duration, threads, warmup, proxyOpts, accessLog, upstream);
    } finally {
      bench.stopAll();
    }
  }

  private void run(
      List<Integer> connections, int duration, int threads, int warmup, String proxyOpts, boolean accessLog,
      String upstream) throws Exception {
    int east = Processes.freePort();
    int central = Processes.freePort();
    int discovery = Processes.freePort();
    int proxy = Processes.freePort();
    int admin = Processes.freePort();
    String upstreamOpts = "-Dupstream.engine=" + upstream;
    processes.start("upstream-east", List.of(HelloUpstream.class.getName(), Integer.toString(east), "us_east1"),
        upstreamOpts);
    processes.start("upstream-central", List.of(HelloUpstream.class.getName(), Integer.toString(central), "us_central1"),
        upstreamOpts);
    processes.start("discovery", List.of(DiscoveryStub.class.getName(), Integer.toString(discovery)), "");
    Path config = work.resolve("proxy.json");
    Files.writeString(
        config,
        "{\"listen\": \"127.0.0.1:" + proxy + "\", \"admin\": \"127.0.0.1:" + admin + "\",\n"
            + " \"discovery\": {\"url\": \"http://127.0.0.1:" + discovery + "/discover?host={host}\",\n"
            + "   \"cache\": {\"ttl\": \"10m\"}},\n"
            + " \"clusters\": [{\"name\": \"us_east1\", \"endpoints\": [\"http://127.0.0.1:" + east + "\"]},\n"
            + "   {\"name\": \"us_central1\", \"endpoints\": [\"http://127.0.0.1:" + central + "\"]}],\n"
            + " \"responseHeaders\": {\"Processed-By\": \"Regional Router\"}}\n");
    processes.start("proxy", List.of("io.github.regionalrouter.jdkserver.Main", "--config", config.toString()),
        "-Dorg.slf4j.simpleLogger.log.io.github.regionalrouter.access=" + (accessLog ? "info" : "off") + " " + proxyOpts);
    awaitUp(east, "/");
    awaitUp(central, "/");
    awaitUp(discovery, "/discover?host=a");
    awaitUp(proxy, "/");
    Path lua = work.resolve("hosts.lua");
    Files.writeString(lua, hostsScript());

    String jdk = System.getProperty("java.vm.name") + " " + Runtime.version();
    System.out.printf(Locale.ROOT,
        "%nregional-router load benchmark, %s, %s, %d cpus, wrk -t%d -d%ds, warm-up %ds, upstream %s%n",
        Instant.now(), jdk, Runtime.getRuntime().availableProcessors(), threads, duration, warmup,
        upstream.equals("jdk") ? "com.sun.net.httpserver" : "http1 event loop");
    // warm up both JVMs (until their JIT has settled) and fill the proxy's cache for all 100 hosts
    int most = connections.stream().mapToInt(Integer::intValue).max().orElse(64);
    wrk(east, lua, most, threads, Math.max(1, warmup));
    wrk(proxy, lua, most, threads, Math.max(1, warmup));
    System.out.printf(Locale.ROOT, "%-6s %-7s %12s %10s %10s %s%n", "conns", "target", "req/s", "p50 ms", "p99 ms", "errors");
    for (int c : connections) {
      Result direct = wrk(east, lua, c, threads, duration);
      Result proxied = wrk(proxy, lua, c, threads, duration);
      print(c, "direct", direct);
      print(c, "proxy", proxied);
      System.out.printf(Locale.ROOT, "%-6d ratio proxy/direct = %.2fx   (p50 %+.3f ms, p99 %+.3f ms vs direct)%n", c,
          proxied.rps / direct.rps, proxied.p50ms - direct.p50ms, proxied.p99ms - direct.p99ms);
    }
    System.out.println("discovery calls: " + get(discovery, "/calls"));
  }

  private static String hostsScript() {
    return "local hosts = {}\n"
        + "for i = 0, 99 do hosts[i + 1] = string.char(97 + i % 26) .. \"host\" .. i .. \".example.com\" end\n"
        + "local n = 0\n"
        + "request = function()\n"
        + "  n = n + 1\n"
        + "  return wrk.format(\"GET\", \"/\", { [\"Host\"] = hosts[(n % 100) + 1] })\n"
        + "end\n";
  }

  private static void print(int c, String target, Result r) {
    System.out.printf(Locale.ROOT, "%-6d %-7s %12.0f %10.3f %10.3f %s%n", c, target, r.rps, r.p50ms, r.p99ms, r.errors);
  }

  private static final class Result {
    double rps;
    double p50ms;
    double p99ms;
    String errors = "";
  }

  private Result wrk(int port, Path lua, int connections, int threads, int seconds) throws Exception {
    List<String> cmd = List.of("wrk", "-t" + Math.min(threads, connections), "-c" + connections,
        "-d" + seconds + "s", "--latency", "-s", lua.toString(), "http://127.0.0.1:" + port + "/");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    Result r = new Result();
    Matcher m = RPS.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no Requests/sec in wrk output: " + out);
    }
    r.rps = Double.parseDouble(m.group(1));
    Matcher pct = PCT.matcher(out);
    while (pct.find()) {
      double v = Double.parseDouble(pct.group(2));
      double ms = pct.group(3).equals("us") ? v / 1000 : pct.group(3).equals("s") ? v * 1000 : v;
      if (pct.group(1).equals("50")) {
        r.p50ms = ms;
      } else {
        r.p99ms = ms;
      }
    }
    Matcher e = ERRORS.matcher(out);
    StringBuilder errors = new StringBuilder();
    while (e.find()) {
      errors.append(e.group(1)).append(": ").append(e.group(2).trim()).append("; ");
    }
    r.errors = errors.toString();
    return r;
  }

  private void awaitUp(int port, String path) throws InterruptedException {
    processes.awaitUp(port, () -> get(port, path), Duration.ofSeconds(30));
  }

  private static String get(int port, String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    c.setRequestProperty("Host", "bhost1.example.com");
    c.setConnectTimeout(1000);
    c.setReadTimeout(5000);
    try {
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }


  private void stopAll() {
    processes.stopAll();
  }

}
