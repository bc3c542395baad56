package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A test double of the {@link RegionResolver} SPI: counts calls and, by default, hands out futures
 * the test completes; {@link #answeringAtOnce} makes one that answers synchronously.
 */
final class ScriptedResolver implements RegionResolver {
  /** One call: the host asked and the future the test completes. */
  record Call(String host, CompletableFuture<RegionAnswer> answer) {}

  private final Function<String, CompletionStage<RegionAnswer>> script;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<Call> pending = new CopyOnWriteArrayList<>();

  private ScriptedResolver(Function<String, CompletionStage<RegionAnswer>> script) {
    this.script = script;
  }

  /** A resolver whose every call returns a new future that the test completes. */
  static ScriptedResolver pending() {
    return new ScriptedResolver(null);
  }

  /** A resolver that answers every call before returning, by {@code script}. */
  static ScriptedResolver answeringAtOnce(Function<String, CompletionStage<RegionAnswer>> script) {
    return new ScriptedResolver(script);
  }

  @Override
  public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
    calls.incrementAndGet();
    if (script != null) {
      return script.apply(host);
    }
    CompletableFuture<RegionAnswer> f = new CompletableFuture<>();
    pending.add(new Call(host, f));
    return f;
  }

  int calls() {
    return calls.get();
  }

  /** The calls made so far, oldest first. */
  List<Call> callsMade() {
    return List.copyOf(pending);
  }

  /** The future of the most recent call. */
  CompletableFuture<RegionAnswer> last() {
    return pending.get(pending.size() - 1).answer();
  }
}
