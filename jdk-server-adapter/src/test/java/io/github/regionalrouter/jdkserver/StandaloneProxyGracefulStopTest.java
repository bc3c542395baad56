package io.github.regionalrouter.jdkserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 5, case 20: graceful stop of the standalone proxy under a bounded load. */
@Timeout(60)
class StandaloneProxyGracefulStopTest {
  static final Duration DRAIN = Duration.ofSeconds(5);
  static final long LOAD_MS = 3_000;
  static final String GET = "GET /slow HTTP/1.1\r\nHost: a.example\r\n\r\n";

  final AtomicInteger ok = new AtomicInteger();
  final AtomicInteger draining503 = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger closedUnanswered = new AtomicInteger();
  final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

  @Test
  void close_under_load_finishes_in_flight_requests_refuses_new_ones_and_leaks_no_thread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    StandaloneProxy fixture = new StandaloneProxy("\"drainTimeout\": \"" + DRAIN.toSeconds() + "s\"");
    long closeMs;
    try (Socket idle = new Socket("127.0.0.1", fixture.port())) {
      idle.setSoTimeout(10_000);
      idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(RawHttp.read(idle.getInputStream(), true).status).isEqualTo(200);
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MS);
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        load.add(clients.submit(() -> loop(fixture.port(), end)));
      }
      assertThat(Poll.until(() -> ok.get() >= 8, Duration.ofSeconds(10))).as("load running").isTrue();

      long t0 = System.nanoTime();
      fixture.proxy.close();
      closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(idle.getInputStream().read()).as("idle keep-alive connection closed").isEqualTo(-1);
      for (Future<?> f : load) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
      fixture.close();
    }

    String outcome = "200: " + ok + ", 503 draining: " + draining503 + ", refused: " + refused
        + ", closed unanswered: " + closedUnanswered;
    System.out.println("graceful stop under load: " + outcome + ", close took " + closeMs + " ms");
    assertThat(unexpected).as(outcome).isEmpty();
    assertThat(closeMs).as("close() within the drain limit").isLessThan(DRAIN.toMillis());
    // every request the upstream received was answered 200: none cut off by the stop
    assertThat(fixture.upstream.received.size() - 1).as("upstream requests (the idle one aside)").isEqualTo(ok.get());
    assertThat(refused.get()).as("connections refused after close").isPositive();
    assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Poll.until(() -> leaked(before).isEmpty(), Duration.ofSeconds(10)))
        .withFailMessage(() -> "threads left: " + leaked(before)).isTrue();
  }

  /** GETs on kept-alive connections until the deadline or a refused connection. */
  private void loop(int port, long endNanos) {
    while (System.nanoTime() - endNanos < 0) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        while (System.nanoTime() - endNanos < 0) {
          out.write(GET.getBytes(StandardCharsets.US_ASCII));
          out.flush();
          RawHttp.Response r = RawHttp.read(in, true);
          if (r.status == 200 && !r.aborted) {
            ok.incrementAndGet();
            if ("close".equalsIgnoreCase(r.header("Connection"))) {
              break; // the proxy began draining during this request
            }
          } else if (r.status == 503 && "draining".equals(r.header("X-Router-Error"))) {
            draining503.incrementAndGet();
            break;
          } else if (r.status == 0) {
            // closed before an answer: an idle kept-alive connection closed by the drain as this
            // request was sent; the upstream count below shows it was never forwarded
            closedUnanswered.incrementAndGet();
            break;
          } else {
            unexpected.add(r.status + " " + r.headers + (r.aborted ? " aborted" : ""));
            return;
          }
        }
      } catch (ConnectException e) {
        refused.incrementAndGet();
        return;
      } catch (IOException e) {
        closedUnanswered.incrementAndGet();
      }
    }
  }

  /**
   * Threads started since {@code before} and still alive, less the JDK's own that outlive their
   * owner by design: java.net.http's selector threads (JDK 17 has no {@code HttpClient.close()};
   * they end once the client is collected), common-pool workers, and the JDK's JVM-wide
   * {@code CompletableFutureDelayScheduler}. Every thread the library started must be gone.
   */
  private static List<String> leaked(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(n -> !n.startsWith("HttpClient-") && !n.startsWith("ForkJoinPool")
            && !n.equals("CompletableFutureDelayScheduler"))
        .sorted()
        .collect(Collectors.toList());
  }
}
