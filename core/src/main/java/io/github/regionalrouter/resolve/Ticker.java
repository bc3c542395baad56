package io.github.regionalrouter.resolve;

/**
 * A source of nanosecond time, injectable so that expiry can be tested without sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Nanoseconds from an arbitrary origin; only differences are meaningful.
   *
   * @return the current time in nanoseconds
   */
  long read();

  /**
   * The system ticker, {@link System#nanoTime()}.
   *
   * @return the system ticker
   */
  static Ticker system() {
    return System::nanoTime;
  }
}
