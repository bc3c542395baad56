package io.github.regionalrouter.internal.upstream;

import io.github.regionalrouter.cluster.Endpoint;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One request and its response: the caller's future and body handler, and, once the head is in,
 * the subscription the body subscriber requests from. Apart from {@link #request} and
 * {@link #cancel}, used on the selector thread only (or by the caller before hand-off).
 */
final class Exchange implements Flow.Subscription {
  private static final AtomicLongFieldUpdater<Exchange> DEMAND =
      AtomicLongFieldUpdater.newUpdater(Exchange.class, "demand");
  private static final AtomicIntegerFieldUpdater<Exchange> PAUSED =
      AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "paused");

  final UpstreamClient client;
  final Endpoint endpoint;
  final boolean head; // a HEAD request: the response has no body
  final boolean idempotent;
  final ByteBuffer request;
  final HttpResponse.BodyHandler<Void> handler;
  final CompletableFuture<Void> future;
  final long connectTimeoutNanos;
  final long deadline; // System.nanoTime() by which the response head must be in

  boolean reused; // the current attempt is on a pooled connection
  boolean retried; // the one retry after a dead pooled connection was made
  Conn conn; // serving this exchange once the head is in
  HttpResponse.BodySubscriber<Void> subscriber;
  boolean done; // completed, failed or cancelled (selector thread)
  volatile long demand;
  volatile int paused; // 1: the selector stopped for lack of demand and waits for request()

  Exchange(UpstreamClient client, Endpoint endpoint, String method, ByteBuffer request,
      HttpResponse.BodyHandler<Void> handler, CompletableFuture<Void> future, long connectTimeoutNanos, long deadline) {
    this.client = client;
    this.endpoint = endpoint;
    this.head = method.equals("HEAD");
    this.idempotent = UpstreamClient.isIdempotent(method);
    this.request = request;
    this.handler = handler;
    this.future = future;
    this.connectTimeoutNanos = connectTimeoutNanos;
    this.deadline = deadline;
  }

  /** Uses one unit of demand; only the selector thread takes, so check-then-take is safe. */
  void used() {
    if (demand != Long.MAX_VALUE) {
      DEMAND.decrementAndGet(this);
    }
  }

  /**
   * Marks the exchange as waiting for demand; false if demand arrived meanwhile (then go on).
   * Selector thread.
   */
  boolean pause() {
    paused = 1;
    if (demand > 0 && PAUSED.compareAndSet(this, 1, 0)) {
      return false;
    }
    return true;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      client.execute(() -> {
        Conn c = conn;
        if (c != null && c.x == this) {
          c.fail(new IllegalArgumentException("request(" + n + ") (expected: > 0)"));
        }
      });
      return;
    }
    for (;;) {
      long d = demand;
      long next = d + n < 0 ? Long.MAX_VALUE : d + n;
      if (DEMAND.compareAndSet(this, d, next)) {
        break;
      }
    }
    if (paused == 1 && PAUSED.compareAndSet(this, 1, 0)) {
      client.execute(() -> {
        Conn c = conn;
        if (c != null && c.x == this) {
          c.drive();
        }
      });
    }
  }

  @Override
  public void cancel() {
    client.execute(() -> {
      Conn c = conn;
      if (c != null && c.x == this) {
        c.cancelled();
      }
    });
  }

  /** Delivers a chunk of body. Selector thread. */
  void next(List<ByteBuffer> items) {
    subscriber.onNext(items);
  }

  /** Ends the exchange with {@code t}, telling the subscriber if there is one. Selector thread. */
  void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    if (subscriber != null) {
      try {
        subscriber.onError(t);
      } catch (RuntimeException ignored) {
        // the subscriber's problem; the future still says what happened
      }
    }
    future.completeExceptionally(t);
  }

  /** Ends the exchange normally. Selector thread. */
  void complete() {
    if (done) {
      return;
    }
    done = true;
    try {
      subscriber.onComplete();
    } catch (RuntimeException ignored) {
      // the subscriber's problem
    }
    future.complete(null);
  }
}
