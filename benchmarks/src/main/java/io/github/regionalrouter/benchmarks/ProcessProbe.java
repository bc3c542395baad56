package io.github.regionalrouter.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples another JVM from outside: its threads and open file descriptors from {@code /proc/PID},
 * its heap after a full GC via {@code jcmd PID GC.run} + {@code GC.heap_info}, and the proxy's
 * in-flight count from the admin {@code /stats}.
 */
final class ProcessProbe {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern IN_FLIGHT = Pattern.compile("\"serverInFlight\"\\s*:\\s*(\\d+)");

  private final long pid;
  private final int adminPort;
  private final String jcmd;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ProcessProbe(long pid, int adminPort) {
    this.pid = pid;
    this.adminPort = adminPort;
    this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
  }

  /** One sample; a value that could not be read is -1. */
  static final class Sample {
    long threads = -1;
    long fds = -1;
    long heapAfterGcKb = -1;
    long inFlight = -1;

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "threads=%d fds=%d heapAfterGC=%.1fMB inFlight=%d",
          threads, fds, heapAfterGcKb / 1024.0, inFlight);
    }
  }

  Sample sample(boolean withGc) {
    Sample s = new Sample();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          s.threads = Long.parseLong(line.substring(8).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // leave -1
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      s.fds = fds.count();
    } catch (IOException | RuntimeException e) {
      // leave -1
    }
    if (withGc) {
      s.heapAfterGcKb = heapAfterGc();
    }
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/stats"))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = IN_FLIGHT.matcher(r.body());
      if (m.find()) {
        s.inFlight = Long.parseLong(m.group(1));
      }
    } catch (IOException | RuntimeException e) {
      // leave -1
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return s;
  }

  private long heapAfterGc() {
    try {
      run(jcmd, Long.toString(pid), "GC.run");
      String info = run(jcmd, Long.toString(pid), "GC.heap_info");
      Matcher m = USED.matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    return out;
  }
}
