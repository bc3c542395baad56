package io.github.regionalrouter.servlet;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolver;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Resolvers and routers for the servlet tests. */
final class TestResolvers {
  private TestResolvers() {}

  /** east → us_east1, central → us_central1, nowhere → a region no cluster serves. */
  static final RegionResolver HOSTS =
      RegionResolvers.fixed(
          Map.of(
              "east.example.com", "us_east1",
              "central.example.com", "us_central1",
              "nowhere.example.com", "eu_west9"));

  /** A discovery service that is down. */
  static final RegionResolver DOWN =
      (host, request) -> CompletableFuture.failedFuture(new IOException("Connection refused"));

  /** How a resolver answers: at once (a cache hit's path) or later from another thread. */
  enum Timing {
    IMMEDIATE,
    DELAYED
  }

  /** {@code resolver}, answering at once or 50 ms later on {@code scheduler}. */
  static RegionResolver timed(Timing timing, RegionResolver resolver, ScheduledExecutorService scheduler) {
    return timing == Timing.IMMEDIATE ? resolver : delayed(resolver, 50, scheduler);
  }

  /** {@code resolver}'s answer, given {@code millis} later on {@code scheduler}. */
  static RegionResolver delayed(RegionResolver resolver, long millis, ScheduledExecutorService scheduler) {
    return (host, request) -> {
      CompletableFuture<RegionAnswer> later = new CompletableFuture<>();
      scheduler.schedule(
          () -> resolver.resolve(host, request).whenComplete((a, e) -> {
            if (e != null) {
              later.completeExceptionally(e);
            } else {
              later.complete(a);
            }
          }),
          millis, TimeUnit.MILLISECONDS);
      return later;
    };
  }

  /** A router over {@code resolver} without cache, with clusters us_east1 and us_central1. */
  static RegionalRouter.Builder router(RegionResolver resolver) {
    return RegionalRouter.builder()
        .resolver(resolver)
        .noCache()
        .cluster(Cluster.named("us_east1").endpoint("http://10.0.0.1:8080"))
        .cluster(Cluster.named("us_central1").endpoint("http://10.0.1.1:8080"))
        .responseHeader("Processed-By", "Regional Router");
  }

  /** Counts the calls of a resolver. */
  static final class Counting implements RegionResolver {
    private final RegionResolver delegate;
    final AtomicInteger calls = new AtomicInteger();

    Counting(RegionResolver delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
      calls.incrementAndGet();
      return delegate.resolve(host, request);
    }
  }

  /**
   * A slow discovery service that answers nobody until {@code expected} requests are waiting for
   * it, and then everyone {@code delayMillis} later. If each waiting request held a container
   * thread, a pool smaller than {@code expected} could never get that many requests here, and they
   * would all fail with the router's resolve timeout.
   */
  static final class Gate implements RegionResolver {
    private final int expected;
    private final long delayMillis;
    private final ScheduledExecutorService scheduler;
    private final List<CompletableFuture<RegionAnswer>> waiting = new ArrayList<>();
    private int mostWaiting;

    Gate(int expected, long delayMillis, ScheduledExecutorService scheduler) {
      this.expected = expected;
      this.delayMillis = delayMillis;
      this.scheduler = scheduler;
    }

    @Override
    public synchronized CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
      CompletableFuture<RegionAnswer> answer = new CompletableFuture<>();
      waiting.add(answer);
      mostWaiting = Math.max(mostWaiting, waiting.size());
      if (waiting.size() == expected) {
        List<CompletableFuture<RegionAnswer>> all = List.copyOf(waiting);
        waiting.clear();
        scheduler.schedule(
            () -> all.forEach(f -> f.complete(RegionAnswer.of("us_east1"))), delayMillis, TimeUnit.MILLISECONDS);
      }
      return answer;
    }

    /** The most requests that were waiting for an answer at one time. */
    synchronized int mostWaiting() {
      return mostWaiting;
    }
  }
}
