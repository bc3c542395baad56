package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A proxy that runs out of file descriptors (its limit lowered with {@code prlimit} while it runs,
 * in a JVM of its own) backs off instead of spinning on the failing {@code accept}, keeps serving
 * its open connections, and accepts again once descriptors are free. Linux with {@code prlimit}.
 */
class OutOfFilesTest {
  private static final String GET = "GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n";
  private static final Pattern RECOVERED = Pattern.compile("accepting again after (\\d+) failed accepts in (\\d+) ms");

  @Test
  @Timeout(120)
  void acceptFailingWithTooManyOpenFilesBacksOffServesOpenConnectionsAndRecovers() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
    Assumptions.assumeTrue(Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "prlimit"))), "prlimit on PATH");
    try (Upstream upstream = new Upstream("east")) {
      String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      Process p = new ProcessBuilder(List.of(java, "-Xmx64m",
          "--add-opens", "jdk.httpserver/sun.net.httpserver=ALL-UNNAMED",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-cp", System.getProperty("java.class.path"), ForkedProxy.class.getName(),
          Integer.toString(upstream.port()))).start();
      LinkedBlockingQueue<String> log = new LinkedBlockingQueue<>();
      Thread stderr = new Thread(() -> {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = err.readLine()) != null; ) {
            System.err.println("[forked proxy] " + l);
            log.add(l);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "forked-proxy-stderr");
      stderr.setDaemon(true);
      stderr.start();
      List<Socket> idle = new ArrayList<>();
      try (Socket open = new Socket()) {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
          // skip anything else
        }
        assertThat(line).as("forked proxy's port line").isNotNull();
        int port = Integer.parseInt(line.substring(5).trim());
        open.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        open.setSoTimeout(20_000);
        assertThat(exchange(open).status).isEqualTo(200); // its upstream connection is pooled now

        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
          fds = s.count();
        }
        long limit = fds + 8;
        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(p.pid()),
            "--nofile=" + limit + ":" + limit).inheritIO().start();
        assertThat(prlimit.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(prlimit.exitValue()).isZero();
        for (int i = 0; i < 30; i++) { // more than the proxy can take: the rest wait in its backlog
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          idle.add(s);
        }

        assertThat(awaitLine(log, "accept failed, retrying with backoff")).isNotNull();
        // an open connection is still served while accept fails
        assertThat(exchange(open).status).isEqualTo(200);

        for (Socket s : idle) {
          s.close();
        }
        idle.clear();
        RawHttp.Response fresh = RawHttp.send(port, GET.trim().split("\r\n"));
        assertThat(fresh.status).as("a new connection once descriptors are free").isEqualTo(200);
        String recovered = awaitLine(log, "accepting again after");
        assertThat(recovered).isNotNull();
        Matcher m = RECOVERED.matcher(recovered);
        assertThat(m.find()).isTrue();
        long failures = Long.parseLong(m.group(1));
        long millis = Long.parseLong(m.group(2));
        // backoff: 7 failures in the first 1.27 s (10 ms doubling), then one a second; a spin
        // would be thousands
        assertThat(failures).as(recovered).isLessThanOrEqualTo(10 + millis / 500);
      } finally {
        for (Socket s : idle) {
          s.close();
        }
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static RawHttp.Response exchange(Socket s) throws IOException {
    OutputStream o = s.getOutputStream();
    o.write(GET.getBytes(StandardCharsets.US_ASCII));
    o.flush();
    return RawHttp.read(s.getInputStream(), true);
  }

  /** The next line of the forked proxy's log that contains {@code part}, or null within 30 s. */
  private static String awaitLine(LinkedBlockingQueue<String> log, String part) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      String l = log.poll(left, TimeUnit.NANOSECONDS);
      if (l != null && l.contains(part)) {
        return l;
      }
    }
    return null;
  }
}
