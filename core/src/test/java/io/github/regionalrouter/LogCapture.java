package io.github.regionalrouter;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What slf4j-simple (the tests' binding, WARN and up) prints while open: it writes each line to
 * {@code System.err} as it is then, so this tees {@code System.err} into a buffer and restores it
 * on {@link #close()}. Shared with the adapters' tests (core's test jar).
 */
public final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** Starts capturing. */
  public LogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (captured) {
          captured.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (captured) {
          captured.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** Everything logged so far. */
  public String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /** How many lines logged so far contain {@code part}. */
  public long linesContaining(String part) {
    return text().lines().filter(l -> l.contains(part)).count();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
