package io.github.regionalrouter.internal.loop;

import io.github.regionalrouter.forward.Forwarder;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The event loops of a {@link Forwarder}, for this project's server adapter, which runs its client
 * connections on them. {@code Forwarder} hands its accessor over when its class is initialized
 * (the JDK's {@code SharedSecrets} pattern), so that no public method of the {@code forward}
 * package names an internal type.
 */
public final class ForwarderLoops {
  private static volatile Function<Forwarder, List<SelectorLoop>> access;

  private ForwarderLoops() {}

  /**
   * Called once, by {@code Forwarder}'s static initializer.
   *
   * @throws IllegalStateException if called again
   */
  public static synchronized void register(Function<Forwarder, List<SelectorLoop>> accessor) {
    if (access != null) {
      throw new IllegalStateException("ForwarderLoops: accessor (expected: registered once, by Forwarder)");
    }
    access = Objects.requireNonNull(accessor, "accessor");
  }

  /**
   * The fast lane's event loops of {@code forwarder}, started now if they were not yet; empty when
   * its fast lane is off or it is closed. A handler run on them must never block; closed, with
   * every channel registered on them, by {@code Forwarder.close()}.
   */
  public static List<SelectorLoop> of(Forwarder forwarder) {
    Objects.requireNonNull(forwarder, "forwarder");
    // an instance exists, so Forwarder's class initializer has run and registered the accessor
    return access.apply(forwarder);
  }
}
