package io.github.regionalrouter.resolve;

/**
 * A source of nanosecond time, injectable so that expiry can be tested without sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long read();

  /** The system ticker, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
