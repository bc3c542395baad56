package io.github.regionalrouter.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.regionalrouter.cluster.Cluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link ClusterRuntime#close()} ends of the threads its {@link java.net.http.HttpClient} started. */
@Timeout(60)
class ClusterRuntimeCloseThreadsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final boolean HAS_SHUTDOWN_NOW = Runtime.version().feature() >= 21;

  private HttpServer upstream;

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/", ex -> {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
  }

  @AfterEach
  void stopUpstream() {
    upstream.stop(0);
  }

  private String uri() {
    return "http://127.0.0.1:" + upstream.getAddress().getPort();
  }

  private void get(ClusterRuntime c) throws Exception {
    HttpResponse<String> r = c.httpClient().send(
        HttpRequest.newBuilder(URI.create(uri() + "/")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("ok");
  }

  /** Live threads of java.net.http clients and of clusters' own executors. */
  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("HttpClient-") || t.getName().startsWith("regional-router-cluster-"))
        .collect(Collectors.toSet());
  }

  /** Waits (joining each, never sleeping) until every thread of {@code threads} ends or the deadline passes. */
  private static List<String> stillAlive(Set<Thread> threads) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, left / 1_000_000));
      }
    }
    return threads.stream().filter(Thread::isAlive).map(Thread::getName).sorted().collect(Collectors.toList());
  }

  @Test
  void closing_clusters_ends_the_client_threads_they_started_selector_too_on_jdk_21_and_later() throws Exception {
    Set<Thread> before = clientThreads();
    List<ClusterRuntime> clusters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ClusterRuntime c = new ClusterRuntime(Cluster.named("threads_" + i).endpoint(uri()).build());
      clusters.add(c);
      get(c);
      get(c);
    }
    Set<Thread> started = clientThreads();
    started.removeAll(before);
    Set<Thread> executorThreads = started.stream()
        .filter(t -> t.getName().startsWith("regional-router-cluster-threads_"))
        .collect(Collectors.toSet());
    // the clients run on the clusters' own executors, not on java.net.http's default pool
    assertThat(executorThreads).extracting(Thread::getName)
        .anyMatch(n -> n.startsWith("regional-router-cluster-threads_0-"))
        .anyMatch(n -> n.startsWith("regional-router-cluster-threads_2-"));
    assertThat(started).extracting(Thread::getName).noneMatch(n -> n.matches("HttpClient-\\d+-Worker-\\d+"));

    clusters.forEach(ClusterRuntime::close);

    assertThat(stillAlive(executorThreads)).as("the clusters' executor threads").isEmpty();
    if (HAS_SHUTDOWN_NOW) {
      assertThat(stillAlive(started)).as("every thread the clients started (HttpClient.shutdownNow)").isEmpty();
      assertThat(clientThreads().stream().filter(t -> !before.contains(t)).count()).isZero();
    } else {
      // JDK 17-20: only the selector threads (one per client) may remain, until the clients are collected
      assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName))
          .allMatch(n -> n.matches("HttpClient-\\d+-SelectorManager"))
          .hasSizeLessThanOrEqualTo(clusters.size());
    }
  }

  @Test
  void a_closed_cluster_makes_no_new_client() throws Exception {
    ClusterRuntime c = new ClusterRuntime(Cluster.named("closed").endpoint(uri()).build());
    get(c);
    c.close();
    c.close(); // idempotent

    assertThatThrownBy(c::httpClient).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cluster closed is closed");
  }

  @Test
  void an_executor_given_to_the_builder_is_used_and_left_running() throws Exception {
    ExecutorService mine = Executors.newCachedThreadPool();
    try {
      ClusterRuntime c = new ClusterRuntime(Cluster.named("given").endpoint(uri()).executor(mine).build());
      get(c);
      c.close();

      assertThat(mine.isShutdown()).isFalse();
      assertThat(mine.submit(() -> "still runs").get()).isEqualTo("still runs");
    } finally {
      mine.shutdown();
    }
  }

  @Test
  void a_cluster_that_was_never_used_starts_no_thread() {
    Set<Thread> before = clientThreads();

    ClusterRuntime c = new ClusterRuntime(Cluster.named("unused").endpoint(uri()).build());
    c.close();

    Set<Thread> after = clientThreads();
    after.removeAll(before);
    assertThat(after).isEmpty();
  }
}
