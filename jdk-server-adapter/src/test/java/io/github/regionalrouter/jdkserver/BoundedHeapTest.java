package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A proxy in a JVM with a 64 MiB heap passes 200 MiB each way: bodies are streamed, never held
 * whole (a buffered body would end in OutOfMemoryError, and the forked JVM exits on the first one).
 */
class BoundedHeapTest {
  static final long SIZE = 200L * 1024 * 1024;

  @Test
  @Timeout(120)
  void a_proxy_with_a_64_mib_heap_streams_200_mib_each_way() throws Exception {
    try (Upstream upstream = new Upstream("east")) {
      String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
          "--add-opens", "jdk.httpserver/sun.net.httpserver=ALL-UNNAMED",
          "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
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

        RawHttp.Response up = RawHttp.send(port, "POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: "
            + SIZE + "\r\n\r\n", new byte[256 * 1024], SIZE, true);
        RawHttp.Response down = RawHttp.send(port, "GET /download/" + SIZE + " HTTP/1.1\r\nHost: a.example\r\n\r\n",
            null, 0, false);

        assertThat(up.status).isEqualTo(200);
        assertThat(up.text()).isEqualTo(Long.toString(SIZE));
        assertThat(down.status).isEqualTo(200);
        assertThat(down.bodyLength).isEqualTo(SIZE);
        assertThat(down.aborted).isFalse();
        assertThat(p.isAlive()).as("forked proxy still running (no OutOfMemoryError)").isTrue();
      } finally {
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }
}
