package io.github.regionalrouter.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes a request body read from a blocking {@link InputStream}, one chunk per unit of demand,
 * reading on {@code executor} — never on the HTTP client's threads, which must not block on a slow
 * client. Backpressure is the subscriber's demand: nothing is read ahead of it, so at most one
 * chunk per request is in memory here.
 */
final class InputStreamPublisher implements Flow.Publisher<ByteBuffer> {
  private final InputStream in;
  private final long length; // -1: unknown
  private final int chunkSize;
  private final Executor executor;
  private final AtomicLong bytesRead;
  private final long max;
  private final Runnable tooLarge;
  private final Runnable unreadable;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  InputStreamPublisher(InputStream in, long length, int chunkSize, Executor executor, AtomicLong bytesRead,
      long max, Runnable tooLarge, Runnable unreadable) {
    this.max = max;
    this.tooLarge = tooLarge;
    this.unreadable = unreadable;
    this.in = in;
    this.length = length;
    this.chunkSize = chunkSize;
    this.executor = executor;
    this.bytesRead = bytesRead;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("a request body can be sent only once"));
      return;
    }
    Reader r = new Reader(subscriber);
    subscriber.onSubscribe(r);
  }

  private final class Reader implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean done;
    private long sent; // only touched by the running reader

    Reader(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        done = true;
        subscriber.onError(new IllegalArgumentException("request(" + n + ") (expected: > 0)"));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      schedule();
    }

    @Override
    public void cancel() {
      done = true;
    }

    private void schedule() {
      if (running.compareAndSet(false, true)) {
        try {
          executor.execute(this::drain);
        } catch (RuntimeException e) {
          running.set(false);
          fail(new IOException("request body: executor refused the read", e));
        }
      }
    }

    private void drain() {
      for (; ; ) {
        while (!done && demand.get() > 0) {
          readOne();
        }
        running.set(false);
        if (done || demand.get() == 0 || !running.compareAndSet(false, true)) {
          return;
        }
      }
    }

    private void readOne() {
      try {
        int want = chunkSize;
        if (length >= 0) {
          long left = length - sent;
          if (left == 0) {
            done = true;
            subscriber.onComplete();
            return;
          }
          want = (int) Math.min(want, left);
        }
        byte[] buf = new byte[want]; // the client keeps the buffer until it is written: no reuse
        int n;
        try {
          n = in.read(buf, 0, want);
        } catch (IOException e) {
          unreadable.run(); // the client's body is malformed (a bad chunk) or was cut off
          throw e;
        }
        if (n < 0) {
          if (length >= 0) {
            unreadable.run();
            throw new EOFException(
                "request body ended after " + sent + " of " + length + " bytes");
          }
          done = true;
          subscriber.onComplete();
          return;
        }
        if (n == 0) {
          return; // blocking streams do not do this; try again
        }
        sent += n;
        bytesRead.addAndGet(n);
        if (sent > max) {
          tooLarge.run();
          throw new IOException("request body is larger than " + max + " bytes");
        }
        demand.decrementAndGet();
        subscriber.onNext(ByteBuffer.wrap(buf, 0, n));
        if (length >= 0 && sent == length && !done) {
          // complete without waiting for more demand: onComplete needs none
          done = true;
          subscriber.onComplete();
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    private void fail(Throwable t) {
      if (!done) {
        done = true;
        subscriber.onError(t);
      }
    }
  }
}
