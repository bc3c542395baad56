package io.github.regionalrouter.internal.loop;

/**
 * A response sink on an event loop whose writes never block: what the client's socket does not
 * take at once is kept. The response relay asks the upstream for the next chunk only once the
 * kept bytes are out ({@link #whenWritten}), so a slow client slows its upstream through TCP
 * instead of filling memory or holding a thread.
 */
public interface LoopSink {

  /**
   * Runs {@code then} on the sink's loop once everything written so far has reached the socket,
   * or once the connection has closed (the next write then fails); returns {@code false} without
   * running it when nothing is kept now (the caller goes on at once). Any thread.
   */
  boolean whenWritten(Runnable then);
}
