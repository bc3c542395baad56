package io.github.regionalrouter.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SelectorLoopTest {
  /** Counts ticks; selections wait a minute unless woken. */
  static final class Ticks implements SelectorLoop.Housekeeper {
    final AtomicInteger ticks = new AtomicInteger();
    final LinkedBlockingQueue<Integer> ticked = new LinkedBlockingQueue<>();
    final CountDownLatch stopped = new CountDownLatch(1);
    volatile Thread stoppedOn;

    @Override
    public long tick(long nowNanos) {
      ticked.add(ticks.incrementAndGet());
      return 60_000;
    }

    @Override
    public void stopped() {
      stoppedOn = Thread.currentThread();
      stopped.countDown();
    }
  }

  private final Ticks ticks = new Ticks();
  private SelectorLoop loop;

  @AfterEach
  void close() {
    if (loop != null) {
      loop.close();
    }
  }

  private SelectorLoop start() throws Exception {
    loop = new SelectorLoop("test-loop", ticks);
    // one task first: afterwards every selection waits the ticker's minute unless woken
    onLoop(() -> null);
    return loop;
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> c) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        f.complete(c.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aTaskFromAnotherThreadWakesTheLoopAndRunsOnItsThread() throws Exception {
    start();
    // the selection now waits a minute: only a wakeup runs the task within the 10 s get
    Thread t = onLoop(Thread::currentThread);
    assertThat(t).isInstanceOf(SelectorLoop.LoopThread.class);
    assertThat(t.getName()).isEqualTo("test-loop");
    assertThat(t.isDaemon()).isTrue();
    assertThat(onLoop(loop::inLoop)).isTrue();
    assertThat(loop.inLoop()).isFalse();
  }

  @Test
  void inLoopThreadIsTrueOnAnyLoopsThreadOnly() throws Exception {
    start();
    assertThat(SelectorLoop.inLoopThread()).isFalse();
    assertThat(onLoop(SelectorLoop::inLoopThread)).isTrue();
    try (SelectorLoop other = new SelectorLoop("other-loop", new Ticks())) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      other.execute(() -> f.complete(SelectorLoop.inLoopThread() && !loop.inLoop() && other.inLoop()));
      assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aTaskFromTheLoopThreadRunsAfterTheCurrentOneWithoutWakingTheSelector() throws Exception {
    start();
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> wakeupsByInnerExecute = new CompletableFuture<>();
    CompletableFuture<Void> innerRan = new CompletableFuture<>();
    loop.execute(() -> {
      order.add("outer-start");
      int before = loop.wakeups;
      loop.execute(() -> {
        order.add("inner");
        innerRan.complete(null);
      });
      wakeupsByInnerExecute.complete(loop.wakeups - before);
      order.add("outer-end");
    });
    innerRan.get(10, TimeUnit.SECONDS);
    assertThat(order).containsExactly("outer-start", "outer-end", "inner");
    assertThat(wakeupsByInnerExecute.get()).isZero();
  }

  @Test
  void aRegisteredChannelsHandlerIsCalledOnTheLoopWhenReady() throws Exception {
    start();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        CompletableFuture<Thread> ready = new CompletableFuture<>();
        onLoop(() -> {
          accepted.configureBlocking(false);
          return loop.register(accepted, SelectionKey.OP_READ, k -> {
            k.interestOps(0);
            ready.complete(Thread.currentThread());
          });
        });
        client.write(ByteBuffer.wrap(new byte[] {1}));
        assertThat(ready.get(10, TimeUnit.SECONDS)).isInstanceOf(SelectorLoop.LoopThread.class);
      }
    }
  }

  @Test
  void aChannelWhoseKeyWasCancelledMayBlockInAnAfterNextSelectTask() throws Exception {
    start();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        CompletableFuture<Boolean> blocking = new CompletableFuture<>();
        boolean registeredAfterCancel = onLoop(() -> {
          accepted.configureBlocking(false);
          SelectionKey key = loop.register(accepted, SelectionKey.OP_READ, k -> { });
          key.cancel();
          loop.afterNextSelect(() -> {
            try {
              // deregistered by now: blocking reads cannot race the selector
              boolean deregistered = !accepted.isRegistered();
              accepted.configureBlocking(true);
              blocking.complete(deregistered && accepted.isBlocking());
            } catch (Exception e) {
              blocking.completeExceptionally(e);
            }
          });
          return accepted.isRegistered(); // until the next selection
        });
        assertThat(registeredAfterCancel).isTrue();
        assertThat(blocking.get(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  void aKeyCancelledByItsHandlerDuringASelectionIsDeregisteredBeforeTheAfterNextSelectTask() throws Exception {
    start();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        CompletableFuture<Boolean> deregistered = new CompletableFuture<>();
        onLoop(() -> {
          accepted.configureBlocking(false);
          return loop.register(accepted, SelectionKey.OP_READ, k -> {
            // as the http1 engine does for a request with a body: inside the selection
            k.cancel();
            loop.afterNextSelect(() -> deregistered.complete(!accepted.isRegistered()));
          });
        });
        client.write(ByteBuffer.wrap(new byte[] {1}));
        assertThat(deregistered.get(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  /** A listening channel registered on the loop (so closed with it). */
  private ServerSocketChannel registeredServer() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    onLoop(() -> {
      server.configureBlocking(false);
      return loop.register(server, SelectionKey.OP_ACCEPT, k -> { });
    });
    return server;
  }

  @Test
  void closeRunsStoppedOnTheLoopAndEndsItsThread() throws Exception {
    start();
    Thread t = onLoop(Thread::currentThread);
    ServerSocketChannel server = registeredServer();
    loop.close();
    assertThat(loop.isClosed()).isTrue();
    assertThat(t.isAlive()).isFalse();
    assertThat(ticks.stopped.getCount()).isZero();
    assertThat(ticks.stoppedOn).isSameAs(t);
    assertThat(server.isOpen()).isFalse(); // registered channels are closed with the loop
    // once ended, a task runs on the caller
    Thread[] ranOn = new Thread[1];
    loop.execute(() -> ranOn[0] = Thread.currentThread());
    assertThat(ranOn[0]).isSameAs(Thread.currentThread());
  }

  @Test
  void aTaskThatThrowsAnExceptionIsSkippedAndTheLoopGoesOn() throws Exception {
    start();
    loop.execute(() -> {
      throw new IllegalStateException("test: a task's bug");
    });
    assertThat(onLoop(() -> "still running")).isEqualTo("still running");
    assertThat(loop.failure()).isNull();
    assertThat(loop.isClosed()).isFalse();
  }

  @Test
  void anErrorEndsTheLoopClosesItsChannelsAndIsItsFailure() throws Exception {
    start();
    Thread t = onLoop(Thread::currentThread);
    ServerSocketChannel server = registeredServer();
    Error death = new AssertionError("test: the loop dies");
    CountDownLatch afterDeath = new CountDownLatch(1);
    loop.execute(() -> {
      throw death;
    });
    loop.execute(afterDeath::countDown); // queued behind it: runs while the dead loop winds down

    assertThat(afterDeath.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(loop.failure()).isSameAs(death);
    assertThat(loop.isClosed()).isTrue();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(server.isOpen()).isFalse();
    assertThat(ticks.stopped.getCount()).isZero();
  }

  @Test
  void aClosedLoopHasNoFailure() throws Exception {
    start();
    loop.close();
    assertThat(loop.isClosed()).isTrue();
    assertThat(loop.failure()).isNull();
  }
}
