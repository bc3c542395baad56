package io.github.regionalrouter.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak run's client: {@code concurrency} worker threads send GETs and POSTs (bodies of 0 B to
 * 256 KiB, echoed back by the upstream and compared) with rotating Host headers to the proxy, at
 * most {@code rate} requests per second in all. Every request has a timeout; a request whose
 * future has not completed when the run ends counts as never finished. Each failure is recorded
 * with its time, its key ({@code "503 discovery_unavailable"}, {@code "exception IOException"},
 * ...) and the region of its host, so the run can check it against the fault windows.
 */
final class SoakLoad {
  private static final int[] BODY_SIZES = {0, 100, 1024, 16 * 1024, 256 * 1024};

  /** One failed request. */
  static final class Failure {
    final long atMillis;
    final String key;
    final String region;
    /** The request's body size; -1 for a GET. */
    final int bodyBytes;
    final String detail;

    Failure(long atMillis, String key, String region, int bodyBytes, String detail) {
      this.atMillis = atMillis;
      this.key = key;
      this.region = region;
      this.bodyBytes = bodyBytes;
      this.detail = detail;
    }
  }

  private final HttpClient client;
  private final int proxyPort;
  private final List<String> hosts;
  private final int concurrency;
  private final long intervalNanos;
  private final Duration timeout;
  private final long epochNanos;
  private final AtomicLong nextSlot = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong bytesPosted = new AtomicLong();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running;

  SoakLoad(HttpClient client, int proxyPort, List<String> hosts, int concurrency, int rate, Duration timeout,
      long epochNanos) {
    this.client = client;
    this.proxyPort = proxyPort;
    this.hosts = hosts;
    this.concurrency = concurrency;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
    this.timeout = timeout;
    this.epochNanos = epochNanos;
  }

  /** The region the discovery stub gives {@code host} (first character's code even: us_east1). */
  static String regionOf(String host) {
    return host.charAt(0) % 2 == 0 ? "us_east1" : "us_central1";
  }

  void start() {
    running = true;
    nextSlot.set(System.nanoTime());
    for (int i = 0; i < concurrency; i++) {
      Thread t = new Thread(this::work, "soak-client-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Stops sending and waits for the workers (each waits at most its request's timeout + 5 s). */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : workers) {
      t.join(timeout.toMillis() + 10_000);
    }
    workers.clear();
  }

  private void work() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running) {
      long slot = nextSlot.getAndAdd(intervalNanos);
      long wait = slot - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // rate limiting, not waiting for a condition
      }
      if (!running) {
        return;
      }
      String host = hosts.get(random.nextInt(hosts.size()));
      boolean post = random.nextBoolean();
      byte[] body = post ? new byte[BODY_SIZES[random.nextInt(BODY_SIZES.length)]] : null;
      if (body != null) {
        random.nextBytes(body);
        bytesPosted.addAndGet(body.length);
      }
      HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/soak/" + random.nextInt(1000)))
          .timeout(timeout)
          .header("Host", host);
      rb = post ? rb.POST(HttpRequest.BodyPublishers.ofByteArray(body)) : rb.GET();
      started.incrementAndGet();
      CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
      f.whenComplete((r, e) -> finished.incrementAndGet());
      String key;
      String detail = null;
      try {
        HttpResponse<byte[]> r = f.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        key = check(r, body);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        key = "exception " + c.getClass().getSimpleName();
        detail = (post ? "POST " + body.length + " B: " : "GET: ") + c;
      } catch (TimeoutException e) {
        key = "client_timeout";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (key == null) {
        ok.incrementAndGet();
      } else {
        failures.add(new Failure(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - epochNanos), key, regionOf(host),
            body == null ? -1 : body.length, detail));
      }
    }
  }

  private static String check(HttpResponse<byte[]> r, byte[] sent) {
    if (r.statusCode() != 200) {
      return r.statusCode() + " " + r.headers().firstValue("X-Router-Error").orElse("-");
    }
    boolean good = sent == null
        ? new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII).startsWith("hello from ")
        : Arrays.equals(r.body(), sent);
    return good ? null : "200 body_mismatch";
  }

  /** Waits up to {@code max} for every sent request to finish; returns how many never did. */
  long awaitAllFinished(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (finished.get() < started.get() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling with a deadline
    }
    return started.get() - finished.get();
  }

  long started() {
    return started.get();
  }

  long ok() {
    return ok.get();
  }

  long inFlight() {
    return started.get() - finished.get();
  }

  long bytesPosted() {
    return bytesPosted.get();
  }

  List<Failure> failures() {
    return new ArrayList<>(failures);
  }

  /** Failure counts by key. */
  Map<String, Long> failureCounts() {
    Map<String, Long> m = new TreeMap<>();
    for (Failure f : failures) {
      m.merge(f.key, 1L, Long::sum);
    }
    return m;
  }
}
