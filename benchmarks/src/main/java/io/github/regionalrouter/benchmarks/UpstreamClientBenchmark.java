package io.github.regionalrouter.benchmarks;

import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.upstream.UpstreamClient;
import io.github.regionalrouter.jdkserver.http1.Http1Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The upstream client alone: {@code N} concurrent loops of bodiless GETs to an in-process
 * hello-world server (the jdkserver.http1 engine), through java.net.http and through the fast
 * lane's {@link UpstreamClient}, in the same run. Arguments: {@code [--duration S] [--connections N]}.
 */
public final class UpstreamClientBenchmark {
  private static final byte[] HELLO = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);

  private UpstreamClientBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = 5;
    int connections = 64;
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--duration")) {
        seconds = Integer.parseInt(args[i + 1]);
      } else if (args[i].equals("--connections")) {
        connections = Integer.parseInt(args[i + 1]);
      }
    }
    Http1Server server = Http1Server.builder().port(0).handler(ex -> {
      try {
        ex.sendHead(200, List.of(Map.entry("Content-Type", "text/plain")), HELLO.length);
        ex.write(ByteBuffer.wrap(HELLO));
        ex.complete();
      } catch (IOException e) {
        ex.abort();
      }
    }).build().start();
    int port = server.address().getPort();
    Endpoint ep = Endpoint.parse("http://127.0.0.1:" + port);
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build();
    UpstreamClient fast = new UpstreamClient(Executors.newCachedThreadPool(), 256, Duration.ofSeconds(60));
    List<String[]> headers = List.<String[]>of(new String[] {"X-Forwarded-For", "127.0.0.1"});
    Supplier<CompletableFuture<?>> viaJdk = () -> jdk.sendAsync(req, HttpResponse.BodyHandlers.discarding());
    Supplier<CompletableFuture<?>> viaFast = () -> fast.send(ep, "GET", "/", headers, "127.0.0.1:" + port,
        Duration.ofSeconds(5), Duration.ofSeconds(10), info -> HttpResponse.BodySubscribers.discarding());
    run("java.net.http (warm-up)", viaJdk, connections, 2);
    run("fast lane     (warm-up)", viaFast, connections, 2);
    double j = run("java.net.http", viaJdk, connections, seconds);
    double f = run("fast lane    ", viaFast, connections, seconds);
    System.out.printf("fast lane / java.net.http: %.1fx%n", f / j);
    fast.close();
    System.exit(0);
  }

  private static double run(String name, Supplier<CompletableFuture<?>> send, int connections, int seconds)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CompletableFuture<?>[] loops = new CompletableFuture<?>[connections];
    for (int i = 0; i < connections; i++) {
      CompletableFuture<Void> loop = new CompletableFuture<>();
      loops[i] = loop;
      next(send, done, errors, end, loop);
    }
    CompletableFuture.allOf(loops).join();
    double rps = done.get() / (double) seconds;
    System.out.printf("%s  c%d  %,10.0f req/s  (%d errors)%n", name, connections, rps, errors.get());
    return rps;
  }

  private static void next(Supplier<CompletableFuture<?>> send, AtomicLong done, AtomicLong errors, long end,
      CompletableFuture<Void> loop) {
    if (System.nanoTime() - end >= 0) {
      loop.complete(null);
      return;
    }
    send.get().whenComplete((r, t) -> {
      if (t != null) {
        errors.incrementAndGet();
      } else {
        done.incrementAndGet();
      }
      next(send, done, errors, end, loop);
    });
  }
}
