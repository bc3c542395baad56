package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5, case 13, heap bounded: a proxy in a JVM with a 32 MiB heap meets 16 clients at once,
 * each streaming 50 MiB of one header value, of header lines, or of request line. It stops reading
 * each at its limit (431 / 431 / 414, or a closed connection when the client is still writing),
 * does not run out of memory (the forked JVM exits on the first OutOfMemoryError), and answers the
 * next normal request.
 */
class HostileHeadHeapTest {
  static final long FLOOD = 50L * 1024 * 1024;

  @Test
  @Timeout(120)
  void a_proxy_with_a_32_mib_heap_cuts_off_endless_heads_at_their_limits() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try (Upstream upstream = new Upstream("east")) {
      String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      Process p = new ProcessBuilder(List.of(java, "-Xmx32m", "-XX:+ExitOnOutOfMemoryError",
          "-cp", System.getProperty("java.class.path"), ForkedProxy.class.getName(),
          Integer.toString(upstream.port())))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
          // skip log lines
        }
        assertThat(line).as("forked proxy's port line").isNotNull();
        int port = Integer.parseInt(line.substring(5).trim());

        List<Future<int[]>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          int kind = i % 3;
          results.add(clients.submit(() -> flood(port, kind)));
        }
        for (Future<int[]> f : results) {
          int[] r = f.get(60, TimeUnit.SECONDS);
          int expected = r[0] == 2 ? 414 : 431;
          assertThat(r[1]).as("answer to flood kind " + r[0] + " (0 = closed)").isIn(expected, 0);
          assertThat(r[2]).as("the proxy stopped reading before the flood ended").isEqualTo(1);
        }

        assertThat(p.isAlive()).as("forked proxy still running (no OutOfMemoryError)").isTrue();
        assertThat(RawHttp.send(port, "GET / HTTP/1.1", "Host: a.example").status).isEqualTo(200);
      } finally {
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * Streams an endless head: kind 0 one header value, 1 header lines, 2 the request line. Returns
   * {kind, status or 0 if none could be read, 1 if a write failed before the flood ended}.
   */
  private static int[] flood(int port, int kind) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      String start = kind == 2 ? "GET /" : "GET / HTTP/1.1\r\nHost: a.example\r\n" + (kind == 0 ? "X-Big: " : "");
      byte[] chunk = new byte[64 * 1024];
      if (kind == 1) {
        byte[] h = "X-H: v\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = h[i % h.length];
        }
      } else {
        Arrays.fill(chunk, (byte) 'a');
      }
      boolean cut = false;
      try {
        out.write(start.getBytes(StandardCharsets.US_ASCII));
        for (long sent = 0; sent < FLOOD; sent += chunk.length) {
          out.write(chunk);
        }
      } catch (IOException e) {
        cut = true;
      }
      int status;
      try {
        RawHttp.Response r = RawHttp.read(s.getInputStream(), true);
        status = r.status;
      } catch (IOException e) {
        status = 0; // reset: the answer was lost with the unread flood
      }
      return new int[] {kind, status, cut ? 1 : 0};
    }
  }
}
