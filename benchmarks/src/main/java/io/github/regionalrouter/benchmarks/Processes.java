package io.github.regionalrouter.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The JVMs a benchmark driver starts on loopback: started with this JVM's {@code java} and class
 * path, each logging to {@code <name>.log} in one folder, waited for, and stopped together.
 */
final class Processes {
  /** A request to something just started; an {@link IOException} means "not up yet". */
  interface Probe {
    void call() throws IOException, InterruptedException;
  }

  private final List<Process> started = new CopyOnWriteArrayList<>();
  private final Path logs;
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String classpath = System.getProperty("java.class.path");

  Processes(Path logs) {
    this.logs = logs;
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code java <jvmOpts> -cp <this class path> <mainAndArgs>}, its output appended to
   * {@code <name>.log} (a restarted process keeps its earlier log).
   */
  Process start(String name, List<String> mainAndArgs, String jvmOpts) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    for (String o : jvmOpts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        cmd.add(o);
      }
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(mainAndArgs);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
        .start();
    started.add(p);
    return p;
  }

  /** Polls {@code probe} every 100 ms until it succeeds; fails after {@code timeout}. */
  void awaitUp(int port, Probe probe, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        probe.call();
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("nothing answers on port " + port + "; logs in " + logs, e);
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling for a process to start, bounded by the deadline
      }
    }
  }

  /** Asks every process to stop, then kills those still running after 5 s. */
  void stopAll() {
    List<Process> all = new ArrayList<>(started);
    started.clear();
    for (Process p : all) {
      p.destroy();
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
