package io.github.regionalrouter.forward;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.RoutingException;
import io.github.regionalrouter.internal.http.HeaderFields;
import io.github.regionalrouter.internal.loop.LoopSink;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Streams the upstream's answer into the {@link ResponseSink}: status and headers first, then each
 * chunk, asking the upstream for the next only after the sink has taken the last (backpressure,
 * and at most one chunk in memory per exchange). Subscriber signals arrive on java.net.http's
 * threads or the fast lane's loop and are handed to the call's serial executor, so a slow client
 * never blocks the HTTP client; on a loop thread, when the sink says it would not block and no sink
 * call is queued or running, the signal's sink calls are made right there instead (see
 * {@link #signal}). A {@link LoopSink} keeps what its client does not take at once, and the next
 * chunk is asked for only once that is out. An upstream error after the headers aborts the response.
 */
final class ResponseRelay implements HttpResponse.BodySubscriber<Void> {
  private final ForwardCall call;
  private final int status;
  private final HeaderFields upstreamHeaders; // filtered on the serial executor
  private final long contentLength;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private volatile boolean ended; // set on the serial executor
  private boolean started; // serial
  private volatile long generation; // of the demand the upstream owes
  private volatile long waitingGeneration;
  private volatile long demandedAt;
  private volatile boolean watched;

  ResponseRelay(ForwardCall call, HttpResponse.ResponseInfo info) {
    this.call = call;
    this.status = info.statusCode();
    // the fast lane's fields as parsed; java.net.http's map seen as fields
    this.upstreamHeaders = info instanceof HeaderFields ? (HeaderFields) info : HeaderRules.fieldsOf(info.headers().map());
    this.contentLength = contentLength(upstreamHeaders);
  }

  /**
   * The first {@code Content-Length}, or -1. Not {@code HttpHeaders.firstValueAsLong}: it runs a
   * stream per call, and this runs once per response on the HTTP client's thread.
   */
  private static long contentLength(HeaderFields headers) {
    for (int i = 0; i < headers.fieldCount(); i++) {
      String n = headers.fieldName(i);
      if (n.length() == 14 && n.equalsIgnoreCase("content-length")) {
        try {
          return Long.parseLong(headers.fieldValue(i));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  @Override
  public CompletionStage<Void> getBody() {
    return done;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    // The status and headers go out with the first chunk (or the end): one hand-off to the
    // executor per response instead of two or three, and an upstream that fails before its first
    // byte of body can still be answered 502 instead of a cut-off 200.
    demand();
  }

  /** Asks the upstream for the next chunk, which must come within the body idle timeout. */
  private void demand() {
    if (ended) {
      return; // deferred until the client took the last chunk, and ended meanwhile
    }
    // No timer task per chunk: the forwarder's IdleWatch scans waiting relays a few times a second.
    long gen = ++generation;
    demandedAt = System.nanoTime();
    waitingGeneration = gen;
    if (!watched) {
      watched = true;
      call.fwd.idleWatch.watch(this);
    }
    subscription.request(1);
  }

  /**
   * Called by {@link IdleWatch}: whether the upstream has owed a chunk for longer than the body
   * idle timeout; if so, the timeout is handled on the call's serial executor.
   */
  boolean checkIdle(long now) {
    long gen = waitingGeneration;
    if (ended || gen != generation || now - demandedAt < call.fwd.bodyIdleTimeout.toNanos()) {
      return ended;
    }
    call.serial.execute(() -> {
      if (!ended && generation == gen) {
        idle();
      }
    });
    return false;
  }

  private void stopTimer() {
    generation++;
    if (watched) {
      call.fwd.idleWatch.unwatch(this);
    }
  }

  /** The upstream sent nothing for the body idle timeout. Serial. */
  private void idle() {
    ended = true;
    subscription.cancel(); // closes the upstream connection
    RoutingException failure = new RoutingException(FailureReason.UPSTREAM_TIMEOUT,
        "upstream sent no body bytes for " + call.fwd.bodyIdleTimeout.toMillis() + " ms");
    done.completeExceptionally(failure);
    if (!started) {
      call.upstreamFailedBeforeBody(failure);
      return;
    }
    call.fwd.router.listener().onUpstreamFailure(call.decision(), failure);
    call.sink.abort(failure);
    call.finish(status, true, FailureReason.UPSTREAM_TIMEOUT);
  }

  /** Sends status and headers if not yet done; false if the client is gone. Serial. */
  private boolean started() {
    if (started) {
      return true;
    }
    started = true;
    call.countStatus(status); // before any byte: whoever sees the response sees it counted
    try {
      // filtered here rather than in the constructor, which runs on the HTTP client's thread
      Map<String, List<String>> headers = HeaderRules.responseHeaders(upstreamHeaders,
          call.decision().responseHeaders(), call.fwd.requestIdHeader, call.requestId());
      call.sink.start(status, headers, contentLength);
      return true;
    } catch (IOException | RuntimeException e) {
      clientGone(e);
      return false;
    }
  }

  /**
   * Runs an upstream signal's sink work: inline when this is a loop thread (the fast lane's, which
   * read the signal), the sink says its next call would not block, and the call's serial executor
   * is idle (so the order of sink calls holds); else on the serial executor. Saves a hand-off per
   * signal on the standalone server, whose client connections share the fast lane's loops.
   */
  private void signal(Runnable task) {
    if (SelectorLoop.inLoopThread() && call.sink.nonBlockingNow() && call.serial.tryRunInline(task)) {
      return;
    }
    call.serial.execute(task);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    waitingGeneration = 0; // the chunk owed has come
    signal(() -> {
      if (ended || !started()) {
        return;
      }
      try {
        for (ByteBuffer b : items) {
          int n = b.remaining();
          call.sink.write(b);
          call.bytesOut += n;
        }
      } catch (IOException | RuntimeException e) {
        clientGone(e);
        return;
      }
      // a sink on an event loop keeps what its client's socket did not take: the next chunk is
      // asked for once that is out, so a slow client slows the upstream instead of filling memory
      if (!(call.sink instanceof LoopSink) || !((LoopSink) call.sink).whenWritten(this::demand)) {
        demand();
      }
    });
  }

  @Override
  public void onError(Throwable t) {
    upstreamFailed(t);
  }

  @Override
  public void onComplete() {
    signal(() -> {
      if (ended) {
        return;
      }
      if (!started()) {
        return;
      }
      ended = true;
      stopTimer();
      try {
        call.sink.complete();
      } catch (IOException | RuntimeException e) {
        call.sink.abort(e);
        done.complete(null);
        call.finish(status, true, null);
        return;
      }
      done.complete(null);
      call.finish(status, false, null);
    });
  }

  /** The upstream failed after its headers: the client must see a cut-off response. */
  void upstreamFailed(Throwable t) {
    signal(() -> {
      if (ended) {
        return;
      }
      ended = true;
      stopTimer();
      done.completeExceptionally(t);
      if (!started) {
        // nothing reached the client yet: answer 502 rather than cut a response off
        call.upstreamFailedBeforeBody(new RoutingException(FailureReason.UPSTREAM_UNREACHABLE,
            "upstream closed the connection before sending its body", ForwardCall.unwrap(t)));
        return;
      }
      RoutingException failure = new RoutingException(FailureReason.UPSTREAM_UNREACHABLE,
          "upstream failed mid-response", ForwardCall.unwrap(t));
      call.fwd.router.listener().onUpstreamFailure(call.decision(), failure);
      call.sink.abort(t);
      call.finish(status, true, FailureReason.UPSTREAM_UNREACHABLE);
    });
  }

  private void clientGone(Throwable e) {
    ended = true;
    stopTimer();
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel(); // closes the upstream connection
    }
    call.sink.abort(e);
    done.complete(null);
    call.finish(status, true, null);
  }
}
