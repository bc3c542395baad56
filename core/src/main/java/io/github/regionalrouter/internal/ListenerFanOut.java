package io.github.regionalrouter.internal;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingException;
import io.github.regionalrouter.RoutingListener;
import io.github.regionalrouter.resolve.RegionAnswer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link RoutingListener} call of a router goes through here: each listener is called in
 * order, and one that throws neither stops the others nor reaches the caller, so it never changes
 * a request's outcome (as Netty's {@code DefaultPromise} treats its listeners). A throw is logged
 * at WARN at most once per listener per minute; the next log line says how many throws were not
 * logged in between.
 */
public final class ListenerFanOut implements RoutingListener {

  private static final Logger DEFAULT_LOG = LoggerFactory.getLogger(RoutingListener.class);

  /** How often a listener's throws are logged at most. */
  static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Guarded[] all;
  private final Logger log;
  private final LongSupplier nanoTime;

  /**
   * Fans out to {@code listeners}, in order, logging to the {@code RoutingListener} logger.
   *
   * @param listeners the listeners, copied
   */
  public ListenerFanOut(List<? extends RoutingListener> listeners) {
    this(listeners, DEFAULT_LOG, System::nanoTime);
  }

  ListenerFanOut(List<? extends RoutingListener> listeners, Logger log, LongSupplier nanoTime) {
    this.all = listeners.stream().map(Guarded::new).toArray(Guarded[]::new);
    this.log = Objects.requireNonNull(log, "log");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** One call of one listener. */
  @FunctionalInterface
  private interface Call {
    void on(RoutingListener l);
  }

  private void each(String event, Call call) {
    for (Guarded g : all) {
      try {
        call.on(g.listener);
      } catch (VirtualMachineError e) {
        throw e; // nothing sensible runs after this
      } catch (Throwable t) { // a listener must not change a request's outcome
        g.thrown(event, t);
      }
    }
  }

  @Override
  public void onDecision(RouteDecision decision) {
    each("onDecision", l -> l.onDecision(decision));
  }

  @Override
  public void onRoutingFailure(InboundRequest request, RoutingException failure) {
    each("onRoutingFailure", l -> l.onRoutingFailure(request, failure));
  }

  @Override
  public void onCacheHit(String host, boolean stale) {
    each("onCacheHit", l -> l.onCacheHit(host, stale));
  }

  @Override
  public void onCacheMiss(String host) {
    each("onCacheMiss", l -> l.onCacheMiss(host));
  }

  @Override
  public void onResolverCall(String host, RegionAnswer answer, Throwable failure, long nanos) {
    each("onResolverCall", l -> l.onResolverCall(host, answer, failure, nanos));
  }

  @Override
  public void onFallback(String host, Throwable cause) {
    each("onFallback", l -> l.onFallback(host, cause));
  }

  @Override
  public void onForwarded(RouteDecision decision, int status, long nanos) {
    each("onForwarded", l -> l.onForwarded(decision, status, nanos));
  }

  @Override
  public void onUpstreamFailure(RouteDecision decision, RoutingException failure) {
    each("onUpstreamFailure", l -> l.onUpstreamFailure(decision, failure));
  }

  /** A listener and its log rate limit. */
  private final class Guarded {
    final RoutingListener listener;
    /** {@code nanoTime} of the last logged throw; only meaningful when {@link #logged} is set. */
    private long lastLogged;
    private boolean logged;
    private long suppressed;

    Guarded(RoutingListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    void thrown(String event, Throwable t) {
      long now = nanoTime.getAsLong();
      long skipped;
      synchronized (this) {
        if (logged && now - lastLogged < LOG_INTERVAL_NANOS) {
          suppressed++;
          return;
        }
        logged = true;
        lastLogged = now;
        skipped = suppressed;
        suppressed = 0;
      }
      log.warn(
          "routing listener {} threw in {} (ignored; {} more throws not logged in the last minute)",
          listener, event, skipped, t);
    }
  }
}
