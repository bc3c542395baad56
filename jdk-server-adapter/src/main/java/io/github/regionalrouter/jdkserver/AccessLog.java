package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.forward.ForwardResult;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the slf4j logger {@code io.github.regionalrouter.access}, at INFO:
 * {@code time method host path status bytesIn bytesOut durationMs region cluster endpoint
 * requestId [error]}, space-separated, {@code -} for an absent field. Values come from the client
 * and are sanitized (control characters and spaces become {@code _}) so a request cannot forge a
 * line.
 *
 * <p>A line made on an event-loop thread is not written there: an appender may block (a full pipe
 * to a log collector), and the loop serves every connection. It is queued instead, and a writer
 * thread of this log writes the queue every {@value #FLUSH_MILLIS} ms (no wake-up per line). When
 * {@value #MAX_QUEUED} lines wait, more are dropped and counted, and the writer reports the count.
 */
final class AccessLog implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger("io.github.regionalrouter.access");
  static final int FLUSH_MILLIS = 10;
  static final int MAX_QUEUED = 65_536;

  private final ConcurrentLinkedQueue<String> queued = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedCount = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;
  private Thread writer; // started with the first queued line

  void log(InboundRequest request, ForwardResult r) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    StringBuilder b = new StringBuilder(200);
    b.append(Instant.now()).append(' ')
        .append(clean(request.method())).append(' ')
        .append(clean(request.header("Host"))).append(' ')
        .append(clean(pathOf(request.target()))).append(' ')
        .append(r.status()).append(r.aborted() ? "!" : "").append(' ')
        .append(r.bytesIn()).append(' ')
        .append(r.bytesOut()).append(' ')
        .append(r.durationNanos() / 1_000_000.0).append("ms ")
        .append(r.region().orElse("-")).append(' ')
        .append(r.cluster().orElse("-")).append(' ')
        .append(r.endpoint().orElse("-")).append(' ')
        .append(clean(r.requestId()));
    r.failure().ifPresent(f -> b.append(' ').append(f.code()));
    String line = b.toString();
    if (!SelectorLoop.inLoopThread() || closed) {
      LOG.info(line);
      return;
    }
    if (queuedCount.incrementAndGet() > MAX_QUEUED) {
      queuedCount.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queued.add(line);
    if (writer == null) {
      startWriter();
    }
  }

  private synchronized void startWriter() {
    if (writer == null && !closed) {
      Thread t = new Thread(this::writeLoop, "regional-router-access-log");
      t.setDaemon(true);
      t.start();
      writer = t;
    }
  }

  private void writeLoop() {
    while (!closed) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS));
      writeQueued();
    }
    writeQueued();
  }

  private void writeQueued() {
    String line;
    while ((line = queued.poll()) != null) {
      queuedCount.decrementAndGet();
      LOG.info(line);
    }
    long d = dropped.getAndSet(0);
    if (d > 0) {
      LoggerFactory.getLogger(AccessLog.class).warn("{} access log lines dropped: the log appender is slower"
          + " than requests come", d);
    }
  }

  /** Writes what is queued and stops the writer thread. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = writer;
    }
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeQueued();
  }

  private static String pathOf(String target) {
    int q = target.indexOf('?');
    String p = q < 0 ? target : target.substring(0, q);
    return p.length() > 256 ? p.substring(0, 256) + "..." : p;
  }

  static String clean(String s) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, '_');
      }
    }
    return b == null ? s : b.toString();
  }
}
