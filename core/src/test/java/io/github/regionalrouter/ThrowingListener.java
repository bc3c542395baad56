package io.github.regionalrouter;

import io.github.regionalrouter.resolve.RegionAnswer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RoutingListener} with a bug: every event throws (after counting it), so tests can show
 * a listener never changes a request's outcome. Shared with the adapters' tests (core's test jar).
 */
public final class ThrowingListener implements RoutingListener {
  /** Events heard (each of which then threw). */
  public final AtomicInteger calls = new AtomicInteger();

  private void boom(String event) {
    calls.incrementAndGet();
    throw new IllegalStateException("test: listener bug in " + event);
  }

  @Override
  public void onDecision(RouteDecision decision) {
    boom("onDecision");
  }

  @Override
  public void onRoutingFailure(InboundRequest request, RoutingException failure) {
    boom("onRoutingFailure");
  }

  @Override
  public void onCacheHit(String host, boolean stale) {
    boom("onCacheHit");
  }

  @Override
  public void onCacheMiss(String host) {
    boom("onCacheMiss");
  }

  @Override
  public void onResolverCall(String host, RegionAnswer answer, Throwable failure, long nanos) {
    boom("onResolverCall");
  }

  @Override
  public void onFallback(String host, Throwable cause) {
    boom("onFallback");
  }

  @Override
  public void onForwarded(RouteDecision decision, int status, long nanos) {
    boom("onForwarded");
  }

  @Override
  public void onUpstreamFailure(RouteDecision decision, RoutingException failure) {
    boom("onUpstreamFailure");
  }

  @Override
  public String toString() {
    return "throwing-listener";
  }
}
