package io.github.regionalrouter.internal.loop;

import java.io.IOException;

/**
 * A request body that an event loop reads without blocking: the body of a client connection that
 * lives on {@link #loop()}. The fast lane, running on the same loop, pumps it into the upstream
 * connection chunk by chunk, reading the next chunk only once the last was written (so the client
 * is read no faster than the upstream takes it, and no thread waits for either).
 */
public interface LoopBody {

  /** The loop the body's connection lives on; {@link #readNow} and {@link #whenReadable} run there only. */
  SelectorLoop loop();

  /**
   * Copies up to {@code len} body bytes into {@code b}, reading the socket once if none is
   * buffered. Never blocks. Loop thread only.
   *
   * @return the count copied; {@code 0} when no byte has come yet (then {@link #whenReadable});
   *     {@code -1} at the body's end
   * @throws IOException if the body cannot be read whole: malformed framing, the client closed or
   *     reset, or no byte came for the body idle timeout. The connection is closed then, and every
   *     later call throws again
   */
  int readNow(byte[] b, int off, int len) throws IOException;

  /**
   * Runs {@code then} on the loop once {@link #readNow} would not return {@code 0}: bytes came,
   * the body ended or it failed (a timeout included). One wait at a time. Loop thread only.
   */
  void whenReadable(Runnable then);
}
