package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request body read through {@link ServletResponseSink#body} against the container's error
 * ({@code onError}): Tomcat fires it while our failing read is still inside its stream (between
 * setting the error attribute and its {@code sendError(400)}); completing the request then let
 * that {@code sendError} land on the next request that Tomcat's recycled objects served, which was
 * answered 400 without ever reaching the servlet. A plain fake container, so the order is forced.
 */
@Timeout(30)
class ServletResponseSinkBodyTest {
  /** What the fake container saw, in order. */
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<AsyncListener> listener = new AtomicReference<>();
  private final CountDownLatch completed = new CountDownLatch(1);
  private AsyncContext async;

  private ServletResponseSink sink() {
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
          case "getProtocol" -> "HTTP/1.1";
          case "getMethod" -> "POST";
          default -> null;
        });
    HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> switch (m.getName()) {
          case "isCommitted" -> false;
          case "getStatus" -> 200;
          default -> null;
        });
    AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {AsyncContext.class}, (p, m, a) -> {
          switch (m.getName()) {
            case "getRequest":
              return request;
            case "getResponse":
              return response;
            case "addListener":
              listener.set((AsyncListener) a[0]);
              return null;
            case "complete":
              events.add("complete");
              completed.countDown();
              return null;
            default:
              return null;
          }
        });
    this.async = async;
    return new ServletResponseSink(async);
  }

  private void fireOnError() {
    try {
      listener.get().onError(new AsyncEvent(async, new IOException("bad chunk")));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void onErrorCompletesOnlyOnceTheReadInProgressHasReturned() throws Exception {
    ServletResponseSink sink = sink();
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InputStream container = new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        inRead.countDown();
        try {
          release.await(); // Tomcat's handleReadException: the attribute is set, sendError(400) not yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        events.add("read returned");
        throw new IOException("bad chunk size");
      }
    };
    InputStream body = sink.body(container);
    Thread reader = new Thread(() -> {
      try {
        body.read(new byte[16], 0, 16);
      } catch (IOException expected) {
        // the broken chunk
      }
    });
    reader.start();
    assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();

    Thread container1 = new Thread(this::fireOnError);
    container1.start();
    // onError waits for the read: it is parked (not done) and has not completed
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (container1.getState() != Thread.State.TIMED_WAITING && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
    }
    assertThat(container1.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    assertThat(events).doesNotContain("complete");

    release.countDown();
    assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
    container1.join(10_000);
    reader.join(10_000);
    assertThat(events).containsExactly("read returned", "complete");
  }

  @Test
  void aReadAfterTheContainerEndedTheRequestFailsWithoutTouchingItsStream() throws Exception {
    ServletResponseSink sink = sink();
    InputStream container = new InputStream() {
      @Override
      public int read() {
        events.add("read");
        return -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        events.add("read");
        return -1; // a recycled Tomcat stream may well say "end": never let it
      }
    };
    InputStream body = sink.body(container);
    fireOnError();

    assertThatThrownBy(() -> body.read(new byte[16], 0, 16)).isInstanceOf(IOException.class);
    assertThatThrownBy(body::read).isInstanceOf(IOException.class);
    assertThat(events).containsExactly("complete");
  }

  @Test
  void theBodyReadsThroughWhileTheRequestIsOpen() throws Exception {
    ServletResponseSink sink = sink();
    InputStream body = sink.body(new java.io.ByteArrayInputStream(new byte[] {'h', 'i'}));

    byte[] b = new byte[8];
    assertThat(body.read(b, 0, 8)).isEqualTo(2);
    assertThat(body.read(b, 0, 8)).isEqualTo(-1);
    assertThat(body.read()).isEqualTo(-1);
    assertThat(events).isEmpty();
  }
}
