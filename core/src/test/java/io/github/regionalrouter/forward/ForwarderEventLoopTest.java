package io.github.regionalrouter.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingListener;
import io.github.regionalrouter.cluster.Cluster;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import io.github.regionalrouter.internal.upstream.ScriptedUpstream;
import io.github.regionalrouter.resolve.RegionAnswer;
import io.github.regionalrouter.resolve.RegionResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The forwarder called on an event-loop thread, as the standalone server does. */
@Timeout(20)
class ForwarderEventLoopTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "test-exec-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final List<Thread> resolverThreads = new CopyOnWriteArrayList<>();
  private final List<Thread> decisionThreads = new CopyOnWriteArrayList<>();
  private ScriptedUpstream upstream;
  private RegionalRouter router;
  private Forwarder forwarder;
  private SelectorLoop ownLoop;

  @AfterEach
  void stop() throws IOException {
    if (forwarder != null) {
      forwarder.close();
    }
    if (ownLoop != null) {
      ownLoop.close();
    }
    if (router != null) {
      router.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    executor.shutdownNow();
  }

  private void start(boolean fastLane) throws IOException {
    start(fastLane, 1);
  }

  private void start(boolean fastLane, int loops) throws IOException {
    upstream = ScriptedUpstream.answering(OK);
    RegionResolver resolver = (host, request) -> {
      resolverThreads.add(Thread.currentThread());
      return CompletableFuture.completedFuture(RegionAnswer.of("r1"));
    };
    router = RegionalRouter.builder()
        .resolver(resolver) // cached: the default
        .listener(new RoutingListener() {
          @Override
          public void onDecision(RouteDecision decision) {
            decisionThreads.add(Thread.currentThread());
          }
        })
        .cluster(Cluster.named("r1").endpoint("http://127.0.0.1:" + upstream.port()))
        .build();
    forwarder = Forwarder.builder(router).executor(executor).fastLane(fastLane).retries(false)
        .eventLoops(loops).build();
  }

  /** Records each call's thread and what the client would see. */
  static final class Sink implements ResponseSink {
    final boolean nonBlocking;
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    volatile int status = -1;
    volatile Throwable aborted;

    Sink(boolean nonBlocking) {
      this.nonBlocking = nonBlocking;
    }

    @Override
    public boolean nonBlockingNow() {
      return nonBlocking;
    }

    @Override
    public void start(int status, Map<String, List<String>> headers, long contentLength) {
      threads.add(Thread.currentThread());
      this.status = status;
    }

    @Override
    public synchronized void write(ByteBuffer data) {
      threads.add(Thread.currentThread());
      byte[] a = new byte[data.remaining()];
      data.get(a);
      body.write(a, 0, a.length);
    }

    @Override
    public void complete() {
      threads.add(Thread.currentThread());
    }

    @Override
    public void abort(Throwable cause) {
      threads.add(Thread.currentThread());
      aborted = cause;
    }

    synchronized String text() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  private static InboundRequest request() {
    return InboundRequest.builder().method("GET").target("/x").header("Host", "a.example").build();
  }

  /** Calls handle on {@code loop}'s thread; returns that thread once the result is in. */
  private Thread handleOn(SelectorLoop loop, Sink sink) throws Exception {
    CompletableFuture<Thread> calledOn = new CompletableFuture<>();
    CompletableFuture<ForwardResult> result = new CompletableFuture<>();
    loop.execute(() -> {
      calledOn.complete(Thread.currentThread());
      forwarder.handle(request(), RequestBody.empty(), sink).whenComplete((r, t) -> result.complete(r));
    });
    ForwardResult r = result.get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.text()).isEqualTo("ok");
    assertThat(sink.aborted).isNull();
    return calledOn.get();
  }

  /** One request from the test thread: fills the cache and the connection pool. */
  private void warmUp() throws Exception {
    Sink sink = new Sink(false);
    forwarder.handle(request(), RequestBody.empty(), sink).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(sink.status).isEqualTo(200);
  }

  @Test
  void aSinkThatWouldNotBlockIsWrittenOnTheLoopThreadThatReadTheAnswer() throws Exception {
    start(true);
    warmUp();
    SelectorLoop loop = forwarder.eventLoops().get(0);
    Sink sink = new Sink(true);
    Thread loopThread = handleOn(loop, sink);
    assertThat(loopThread).isInstanceOf(SelectorLoop.LoopThread.class);
    assertThat(sink.threads).hasSize(3).allMatch(t -> t == loopThread); // start, write, complete
    // the cache hit was decided right there, without a hand-off
    assertThat(resolverThreads).hasSize(1);
    assertThat(decisionThreads).hasSize(2);
    assertThat(decisionThreads.get(1)).isSameAs(loopThread);
  }

  @Test
  void aSinkThatMightBlockIsWrittenOnTheExecutor() throws Exception {
    start(true);
    warmUp();
    Sink sink = new Sink(false);
    handleOn(forwarder.eventLoops().get(0), sink);
    assertThat(sink.threads).hasSize(3)
        .allMatch(t -> !(t instanceof SelectorLoop.LoopThread) && t.getName().startsWith("test-exec-"));
  }

  @Test
  void aCacheMissOnTheLoopThreadCallsTheResolverElsewhere() throws Exception {
    start(true);
    Sink sink = new Sink(true);
    handleOn(forwarder.eventLoops().get(0), sink);
    assertThat(resolverThreads).hasSize(1);
    assertThat(resolverThreads.get(0)).isNotInstanceOf(SelectorLoop.LoopThread.class);
    // the answer was still read, and written, on the loop
    assertThat(sink.threads).hasSize(3).allMatch(t -> t instanceof SelectorLoop.LoopThread);
  }

  @Test
  void javaNetHttpRequestsHandledOnALoopThreadAreSentAndAnsweredOnTheExecutor() throws Exception {
    start(false);
    assertThat(forwarder.eventLoops()).isEmpty();
    ownLoop = new SelectorLoop("test-server-loop", now -> 1000);
    Sink sink = new Sink(true); // signals come from java.net.http, not a loop: never inline
    handleOn(ownLoop, sink);
    assertThat(sink.threads).hasSize(3).allMatch(t -> t.getName().startsWith("test-exec-"));
    assertThat(resolverThreads).hasSize(1).allMatch(t -> !(t instanceof SelectorLoop.LoopThread));
  }

  @Test
  void theEventLoopIsTheFastLanesAndClosesWithTheForwarder() throws Exception {
    start(true);
    SelectorLoop loop = forwarder.eventLoops().get(0);
    assertThat(forwarder.eventLoops()).containsExactly(loop);
    assertThat(loop).isSameAs(forwarder.upstream().loop());
    CompletableFuture<String> name = new CompletableFuture<>();
    loop.execute(() -> name.complete(Thread.currentThread().getName()));
    assertThat(name.get(10, TimeUnit.SECONDS)).startsWith("regional-router-loop-");
    forwarder.close();
    assertThat(loop.isClosed()).isTrue();
    assertThat(forwarder.eventLoops()).isEmpty();
  }

  @Test
  void withFourLoopsARequestHandledOnALoopIsSentReadAndAnsweredOnThatLoopWithItsOwnPool() throws Exception {
    start(true, 4);
    warmUp();
    List<SelectorLoop> loops = forwarder.eventLoops();
    assertThat(loops).hasSize(4).doesNotHaveDuplicates();
    int afterFirstRound = 0;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < loops.size(); i++) {
        SelectorLoop loop = loops.get(i);
        Sink sink = new Sink(true);
        Thread loopThread = handleOn(loop, sink);
        // read client (here: called on the loop) -> write upstream -> read upstream -> write client
        assertThat(sink.threads).hasSize(3).allMatch(t -> t == loopThread);
        assertThat(forwarder.upstreams()[i].loop()).isSameAs(loop);
      }
      if (round == 0) {
        afterFirstRound = upstream.accepted.get();
      }
    }
    // each loop has its own pool: at most one connection per loop (plus the warm-up's), and the
    // second round reused them all
    assertThat(afterFirstRound).isBetween(4, 5);
    assertThat(upstream.accepted.get()).isEqualTo(afterFirstRound);
    forwarder.close();
    assertThat(loops).allMatch(SelectorLoop::isClosed);
  }

  @Test
  void requestsFromOtherThreadsGoToTheLoopsInTurn() throws Exception {
    start(true, 3);
    List<UpstreamClientRef> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      seen.add(new UpstreamClientRef(forwarder.upstream()));
    }
    assertThat(seen.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(seen.subList(3, 6)).isEqualTo(seen.subList(0, 3));
  }

  /** Identity wrapper: compares clients by reference. */
  private record UpstreamClientRef(Object client) {
    @Override
    public boolean equals(Object o) {
      return o instanceof UpstreamClientRef && ((UpstreamClientRef) o).client == client;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(client);
    }
  }
}
