package io.github.regionalrouter.jdkserver;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.forward.ForwardResult;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the slf4j logger {@code io.github.regionalrouter.access}, at INFO:
 * {@code time method host path status bytesIn bytesOut durationMs region cluster endpoint
 * requestId [error]}, space-separated, {@code -} for an absent field. Values come from the client
 * and are sanitized (control characters and spaces become {@code _}) so a request cannot forge a
 * line.
 */
final class AccessLog {
  static final Logger LOG = LoggerFactory.getLogger("io.github.regionalrouter.access");

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
    LOG.info(b.toString());
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
