package io.github.regionalrouter.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak run: starts, each in its own JVM on loopback, two upstreams ({@link HelloUpstream}), a
 * discovery service ({@link DiscoveryStub}) and the standalone proxy
 * ({@code io.github.regionalrouter.jdkserver.Main --config}), drives mixed load through the proxy
 * for {@code --minutes} (10 by default) while a fault script restarts discovery, makes each
 * upstream slow for a while and kills each upstream and brings it back; it prints the proxy's
 * threads, open file descriptors, heap after GC and in-flight count at the start, every minute
 * and at the end, the client's failures by reason, and PASS or FAIL.
 *
 * <p>Pass: threads and fds at most 20% (or 8) above the start, heap after GC at most 2x the start
 * + 16 MB, no request that never finished, and every failure explained by a fault window: only
 * {@code 503 discovery_unavailable} while discovery is down (plus its cache windows), only 502/503/
 * 504 (and aborted responses for a killed upstream) for hosts of the faulty upstream's region while
 * it is slow or down (plus the 30 s outlier ejection).
 *
 * <p>Run with {@code benchmarks/soak.sh}. Options: {@code --minutes 10 --concurrency 32
 * --rate 300 --hosts 200 --proxy-opts "-Xmx256m"}.
 */
public final class SoakBenchmark {
  private static final Duration CACHE_TTL = Duration.ofSeconds(3);
  private static final Duration STALE_IF_ERROR = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final long SLOW_MILLIS = 3000;

  private final Path work;
  private final Processes processes;
  private final List<FaultWindow> windows = new CopyOnWriteArrayList<>();
  private final HttpClient control = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile String faultScriptError;
  private long epoch;
  private int east;
  private int central;
  private int discovery;
  private Process discoveryProcess;
  private Process eastProcess;
  private Process centralProcess;

  private SoakBenchmark() throws IOException {
    this.work = Files.createTempDirectory("rr-soak");
    this.processes = new Processes(work);
  }

  public static void main(String[] args) throws Exception {
    // before java.net.http is loaded: the soak client sets Host per request
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    double minutes = 10;
    int concurrency = 32;
    int rate = 300;
    int hosts = 200;
    String proxyOpts = "-Xmx256m";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes": minutes = Double.parseDouble(args[++i]); break;
        case "--concurrency": concurrency = Integer.parseInt(args[++i]); break;
        case "--rate": rate = Integer.parseInt(args[++i]); break;
        case "--hosts": hosts = Integer.parseInt(args[++i]); break;
        case "--proxy-opts": proxyOpts = args[++i]; break;
        default: throw new IllegalArgumentException("unknown option " + args[i]
            + " (expected: --minutes N --concurrency N --rate N --hosts N --proxy-opts S)");
      }
    }
    SoakBenchmark soak = new SoakBenchmark();
    Runtime.getRuntime().addShutdownHook(new Thread(soak::stopAll));
    boolean pass;
    try {
      pass = soak.run(Duration.ofMillis((long) (minutes * 60_000)), concurrency, rate, hosts, proxyOpts);
    } finally {
      soak.stopAll();
    }
    System.exit(pass ? 0 : 1);
  }

  private boolean run(Duration length, int concurrency, int rate, int hostCount, String proxyOpts) throws Exception {
    east = Processes.freePort();
    central = Processes.freePort();
    discovery = Processes.freePort();
    int proxy = Processes.freePort();
    int admin = Processes.freePort();
    eastProcess = startUpstream(east, "us_east1");
    centralProcess = startUpstream(central, "us_central1");
    discoveryProcess = startDiscovery();
    Path config = work.resolve("proxy.json");
    Files.writeString(config, config(proxy, admin));
    Process proxyProcess = processes.start("proxy", List.of("io.github.regionalrouter.jdkserver.Main", "--config", config.toString()),
        "-Dorg.slf4j.simpleLogger.log.io.github.regionalrouter.access=off " + proxyOpts);
    awaitUp(east, "/");
    awaitUp(central, "/");
    awaitUp(discovery, "/discover?host=a");
    awaitUp(admin, "/ready");
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < hostCount; i++) {
      hosts.add((char) ('a' + i % 26) + "host" + i + ".example.com");
    }
    ProcessProbe probe = new ProcessProbe(proxyProcess.pid(), admin);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Duration clientTimeout = Duration.ofSeconds(10);

    System.out.printf(Locale.ROOT, "regional-router soak, %s, %s %s, %d cpus, %s of load, concurrency %d,"
        + " at most %d req/s, %d hosts, proxy %s; logs in %s%n", Instant.now(), System.getProperty("java.vm.name"),
        Runtime.version(), Runtime.getRuntime().availableProcessors(), length, concurrency, rate, hostCount,
        proxyOpts, work);

    // warm-up, not counted: JIT, connection pools, the proxy's thread pool
    SoakLoad warm = new SoakLoad(client, proxy, hosts, concurrency, rate, clientTimeout, System.nanoTime());
    warm.start();
    TimeUnit.SECONDS.sleep(20); // a fixed warm-up period, not waiting for a condition
    warm.stop();
    warm.awaitAllFinished(Duration.ofSeconds(30));
    awaitProxyIdle(probe, Duration.ofSeconds(30));
    ProcessProbe.Sample first = probe.sample(true);
    System.out.println("start  " + first + "  (after a 20 s warm-up: " + warm.started() + " requests, "
        + warm.failureCounts() + " failures)");

    epoch = System.nanoTime();
    SoakLoad load = new SoakLoad(client, proxy, hosts, concurrency, rate, clientTimeout, epoch);
    load.start();
    Thread faults = new Thread(() -> faultScript(length), "soak-faults");
    faults.setDaemon(true);
    faults.start();
    long end = epoch + length.toNanos();
    long nextReport = epoch + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      if (now >= nextReport) {
        report(probe, load);
        nextReport += TimeUnit.MINUTES.toNanos(1);
      }
      LockSupport.parkNanos(Math.min(end, nextReport) - System.nanoTime());
    }
    load.stop();
    long neverFinished = load.awaitAllFinished(Duration.ofSeconds(30));
    faults.join(120_000);

    // the end sample: idle pool threads end after 60 s, idle connections after 30 s
    long threadBound = Math.max((long) (first.threads * 1.2), first.threads + 8);
    long fdBound = Math.max((long) (first.fds * 1.2), first.fds + 8);
    long heapBound = 2 * first.heapAfterGcKb + 16 * 1024;
    ProcessProbe.Sample last = probe.sample(true);
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while ((last.threads > threadBound || last.fds > fdBound || last.heapAfterGcKb > heapBound || last.inFlight != 0)
        && System.nanoTime() < settle) {
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // polling the proxy with a deadline
      last = probe.sample(true);
    }
    System.out.println("end    " + last);

    List<SoakLoad.Failure> failures = load.failures();
    Map<String, Long> unexplained = FaultWindow.explain(windows, failures);
    FaultWindow.printWindows(windows);
    System.out.printf(Locale.ROOT, "requests: %d sent, %d ok, %d failed, %d never finished; %.1f MB posted%n",
        load.started(), load.ok(), failures.size(), neverFinished, load.bytesPosted() / 1e6);
    System.out.println("failures by reason: " + load.failureCounts());
    FaultWindow.print(windows, failures, unexplained);

    boolean threadsOk = last.threads >= 0 && last.threads <= threadBound;
    boolean fdsOk = last.fds >= 0 && last.fds <= fdBound;
    boolean heapOk = last.heapAfterGcKb >= 0 && last.heapAfterGcKb <= heapBound;
    boolean finishedOk = neverFinished == 0 && !failures.stream().anyMatch(f -> f.key.equals("client_timeout"));
    boolean inFlightOk = last.inFlight == 0;
    boolean explainedOk = unexplained.isEmpty();
    System.out.printf(Locale.ROOT, "%ncriteria:%n  threads %d -> %d (bound %d): %s%n  fds %d -> %d (bound %d): %s%n"
            + "  heap after GC %.1f MB -> %.1f MB (bound %.1f MB): %s%n  never finished %d: %s%n"
            + "  in-flight at end %d: %s%n  unexplained failures %d: %s%n",
        first.threads, last.threads, threadBound, ok(threadsOk), first.fds, last.fds, fdBound, ok(fdsOk),
        first.heapAfterGcKb / 1024.0, last.heapAfterGcKb / 1024.0, heapBound / 1024.0, ok(heapOk),
        neverFinished, ok(finishedOk), last.inFlight, ok(inFlightOk),
        unexplained.values().stream().mapToLong(Long::longValue).sum(), ok(explainedOk));
    boolean faultsOk = faultScriptError == null;
    System.out.println("  fault script ran to its end: " + (faultsOk ? "ok" : "FAIL (" + faultScriptError + ")"));
    boolean pass = threadsOk && fdsOk && heapOk && finishedOk && inFlightOk && explainedOk && faultsOk;
    System.out.println(pass ? "SOAK PASS" : "SOAK FAIL");
    return pass;
  }

  private static String ok(boolean ok) {
    return ok ? "ok" : "FAIL";
  }

  private void report(ProcessProbe probe, SoakLoad load) {
    System.out.printf(Locale.ROOT, "%4.1f min %s  client: sent=%d ok=%d inFlight=%d failures=%s%n",
        (System.nanoTime() - epoch) / 60e9, probe.sample(true), load.started(), load.ok(), load.inFlight(),
        load.failureCounts());
  }

  private String config(int proxy, int admin) {
    String cluster = "\"connectTimeout\": \"1s\", \"requestTimeout\": \"" + REQUEST_TIMEOUT.toMillis() + "ms\"";
    return "{\"listen\": \"127.0.0.1:" + proxy + "\", \"admin\": \"127.0.0.1:" + admin + "\",\n"
        + " \"discovery\": {\"url\": \"http://127.0.0.1:" + discovery + "/discover?host={host}\", \"timeout\": \"500ms\",\n"
        + "   \"cache\": {\"ttl\": \"" + CACHE_TTL.toSeconds() + "s\", \"staleIfError\": \"" + STALE_IF_ERROR.toSeconds() + "s\"}},\n"
        + " \"clusters\": [\n"
        + "   {\"name\": \"us_east1\", \"endpoints\": [\"http://127.0.0.1:" + east + "\"], " + cluster + "},\n"
        + "   {\"name\": \"us_central1\", \"endpoints\": [\"http://127.0.0.1:" + central + "\"], " + cluster + "}],\n"
        + " \"responseHeaders\": {\"Processed-By\": \"Regional Router\"}}\n";
  }

  /** The faults, spread over the run; the last 20% of it is quiet. */
  private void faultScript(Duration length) {
    long total = length.toMillis();
    long down = Math.min(20_000, Math.max(3_000, total / 30));
    long slow = Math.min(30_000, Math.max(3_000, total / 20));
    long discoveryGrace = CACHE_TTL.toMillis() + STALE_IF_ERROR.toMillis() + 10_000;
    long upstreamGrace = 40_000; // outlier ejection (30 s) after the upstream is back
    try {
      at(total * 15 / 100);
      FaultWindow w = open("discovery-down", null, discoveryGrace);
      discoveryProcess.destroyForcibly().waitFor();
      pause(down);
      discoveryProcess = startDiscovery();
      awaitUp(discovery, "/discover?host=a");
      close(w);

      at(total * 30 / 100);
      w = open("upstream-slow", "us_east1", upstreamGrace);
      get(east, "/__upstream/slow?ms=" + SLOW_MILLIS);
      pause(slow);
      get(east, "/__upstream/slow?ms=0");
      close(w);

      at(total * 45 / 100);
      w = open("upstream-killed", "us_central1", upstreamGrace);
      centralProcess.destroyForcibly().waitFor();
      pause(down);
      centralProcess = startUpstream(central, "us_central1");
      awaitUp(central, "/");
      close(w);

      at(total * 60 / 100);
      w = open("discovery-down", null, discoveryGrace); // a restart: kill and start at once
      discoveryProcess.destroyForcibly().waitFor();
      discoveryProcess = startDiscovery();
      awaitUp(discovery, "/discover?host=a");
      close(w);

      at(total * 68 / 100);
      w = open("upstream-slow", "us_central1", upstreamGrace);
      get(central, "/__upstream/slow?ms=" + SLOW_MILLIS);
      pause(slow);
      get(central, "/__upstream/slow?ms=0");
      close(w);

      at(total * 76 / 100);
      w = open("upstream-killed", "us_east1", upstreamGrace);
      eastProcess.destroyForcibly().waitFor();
      pause(down);
      eastProcess = startUpstream(east, "us_east1");
      awaitUp(east, "/");
      close(w);
    } catch (Exception e) {
      faultScriptError = e.toString();
      System.out.println("fault script failed: " + e);
      for (FaultWindow open : windows) {
        if (open.to == Long.MAX_VALUE) {
          close(open);
        }
      }
    }
  }

  private long elapsedMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - epoch);
  }

  private void at(long millis) throws InterruptedException {
    long wait = millis - elapsedMillis();
    if (wait > 0) {
      TimeUnit.MILLISECONDS.sleep(wait); // the fault schedule itself
    }
  }

  private static void pause(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis); // how long a fault lasts
  }

  private FaultWindow open(String fault, String region, long grace) {
    FaultWindow w = new FaultWindow(fault, region, elapsedMillis(), grace);
    windows.add(w);
    System.out.printf(Locale.ROOT, "%6.1f s fault: %s %s%n", w.from / 1000.0, fault, region == null ? "" : region);
    return w;
  }

  private void close(FaultWindow w) {
    w.to = elapsedMillis();
    System.out.printf(Locale.ROOT, "%6.1f s fault over: %s %s%n", w.to / 1000.0, w.fault, w.region == null ? "" : w.region);
  }

  private Process startUpstream(int port, String name) throws IOException {
    return processes.start("upstream-" + name, List.of(HelloUpstream.class.getName(), Integer.toString(port), name),
        "-Xmx128m -Dupstream.threads=16");
  }

  private Process startDiscovery() throws IOException {
    return processes.start("discovery", List.of(DiscoveryStub.class.getName(), Integer.toString(discovery)), "-Xmx64m");
  }

  private void awaitUp(int port, String path) throws InterruptedException {
    processes.awaitUp(port, () -> get(port, path), Duration.ofSeconds(60));
  }

  private String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = control.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private static void awaitProxyIdle(ProcessProbe probe, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (probe.sample(false).inFlight != 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling with a deadline
    }
  }


  private void stopAll() {
    processes.stopAll();
  }

}
