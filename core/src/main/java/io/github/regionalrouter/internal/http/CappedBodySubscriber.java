package io.github.regionalrouter.internal.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body of at most {@code cap} bytes into one array, checking the cap as each
 * buffer arrives: the moment the body would exceed it, the subscription is cancelled (the client
 * stops reading and drops the connection) and the body completes exceptionally with a
 * {@link BodyTooLargeException}. A {@code Content-Length} above the cap fails before any byte is
 * read.
 *
 * <p>In {@linkplain #discarding discarding} mode the bytes are counted but not kept, and going over
 * the cap just stops reading: for answers whose body does not matter, read it (so the connection
 * can be reused) only while it is small.
 *
 * <p>One instance serves one response. The HTTP client calls it serially, as
 * {@link Flow.Subscriber} requires; the result is published through a {@link CompletableFuture}.
 */
public final class CappedBodySubscriber implements HttpResponse.BodySubscriber<ByteBuffer> {
  private static final byte[] EMPTY = new byte[0];
  private static final int INITIAL_CAPACITY = 1024;

  private final int cap;
  private final long declaredLength;
  private final boolean keep;
  private final CompletableFuture<ByteBuffer> body = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private byte[] buf = EMPTY;
  private int length;
  private boolean done;

  private CappedBodySubscriber(int cap, long declaredLength, boolean keep) {
    if (cap <= 0) {
      throw new IllegalArgumentException("cap: " + cap + " (expected: > 0)");
    }
    this.cap = cap;
    this.declaredLength = declaredLength;
    this.keep = keep;
  }

  /**
   * A subscriber that keeps at most {@code cap} bytes and fails beyond that.
   *
   * @param declaredLength the response's {@code Content-Length}, or -1 if it has none
   */
  public static CappedBodySubscriber collecting(int cap, long declaredLength) {
    return new CappedBodySubscriber(cap, declaredLength, true);
  }

  /** A subscriber that reads and drops at most {@code cap} bytes, then completes empty. */
  public static CappedBodySubscriber discarding(int cap, long declaredLength) {
    return new CappedBodySubscriber(cap, declaredLength, false);
  }

  /** A body handler that collects bodies of at most {@code cap} bytes. */
  public static HttpResponse.BodyHandler<ByteBuffer> handler(int cap) {
    return info -> collecting(cap, info.headers().firstValueAsLong("content-length").orElse(-1));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null) {
      s.cancel(); // Reactive Streams rule 2.5: only one subscription
      return;
    }
    subscription = s;
    if (declaredLength > cap) {
      overflow("Content-Length " + declaredLength + " exceeds " + cap + " bytes");
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (done) {
      return;
    }
    for (ByteBuffer item : items) {
      int n = item.remaining();
      if ((long) length + n > cap) {
        overflow("body exceeds " + cap + " bytes");
        return;
      }
      if (keep) {
        if (length + n > buf.length) {
          // double, but never past the cap: a large cap costs memory only for large bodies
          long wanted = Math.max(INITIAL_CAPACITY, Math.max(length + n, 2L * buf.length));
          buf = Arrays.copyOf(buf, (int) Math.min(cap, wanted));
        }
        item.get(buf, length, n);
      } else {
        item.position(item.limit());
      }
      length += n;
    }
  }

  private void overflow(String reason) {
    done = true;
    buf = EMPTY;
    subscription.cancel();
    if (keep) {
      body.completeExceptionally(new BodyTooLargeException(reason));
    } else {
      body.complete(ByteBuffer.wrap(EMPTY));
    }
  }

  @Override
  public void onError(Throwable error) {
    if (!done) {
      done = true;
      buf = EMPTY;
      body.completeExceptionally(error);
    }
  }

  @Override
  public void onComplete() {
    if (!done) {
      done = true;
      body.complete(keep ? ByteBuffer.wrap(buf, 0, length) : ByteBuffer.wrap(EMPTY));
    }
  }

  @Override
  public CompletionStage<ByteBuffer> getBody() {
    return body;
  }
}
