package io.github.regionalrouter.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Where the {@link Forwarder} writes the answer to the client: an adapter implements it over its
 * own response type (an {@code HttpExchange}, an {@code HttpServletResponse}).
 *
 * <p>The forwarder calls these methods one at a time, in order, on its
 * {@linkplain Forwarder.Builder#executor executor} (or, when {@link #nonBlockingNow} allows it, on
 * the event-loop thread that read the upstream's answer): {@link #start} once, then {@link #write} any
 * number of times, then exactly one of {@link #complete} or {@link #abort} ({@code abort} may also
 * come without a {@code start}, or after a method threw). Each call happens-before the next.
 * Methods may block (a slow client slows only its own exchange: the forwarder asks the upstream
 * for the next chunk only after {@code write} returns). An {@link IOException} means the client
 * is gone; the forwarder then stops the upstream and calls {@link #abort}.
 */
public interface ResponseSink {

  /**
   * Sends the status line and headers.
   *
   * @param status the status code, 200-599
   * @param headers the headers to send, already filtered (no hop-by-hop headers, no
   *     {@code Content-Length}), names as received, in order
   * @param contentLength the exact body length when known, {@code -1} when not (send chunked);
   *     responses that cannot have a body (to {@code HEAD}, 204, 304) are the sink's to recognize
   * @throws IOException if the client is gone
   */
  void start(int status, Map<String, List<String>> headers, long contentLength) throws IOException;

  /**
   * Writes the next chunk of the body. The buffer is not used after this method returns.
   *
   * @param data the bytes to write, from its position to its limit
   * @throws IOException if the client is gone
   */
  void write(ByteBuffer data) throws IOException;

  /**
   * Ends the body: the response is complete.
   *
   * @throws IOException if the client is gone
   */
  void complete() throws IOException;

  /**
   * Ends the response abnormally: the client must see that it is incomplete (close the connection
   * without the body's proper end), never a truncated body that looks complete. Must not throw.
   *
   * @param cause why, for logging
   */
  void abort(Throwable cause);

  /**
   * Whether the next call would return without blocking (for example: the client's connection is
   * non-blocking and has no unsent bytes queued). When true, the forwarder may make that call on
   * the thread that read the upstream's answer, an event-loop thread that must never block, instead
   * of handing it to its executor: one thread hand-off less per response. Asked on that thread
   * before each group of calls one upstream signal makes ({@code start} with the first chunk's
   * {@code write}s, the {@code write}s of one chunk, {@code complete} or {@code abort}, possibly
   * with {@code start}): a true answer must hold for the whole group (buffer rather than block).
   * {@code false} unless overridden.
   *
   * @return true if the next call would not block
   */
  default boolean nonBlockingNow() {
    return false;
  }
}
