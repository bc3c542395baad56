package io.github.regionalrouter.internal.cluster;

import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of a cluster's {@link HttpClient}: the executor a cluster gives its client when the
 * caller gave none, and the stop of the client itself where the JDK has one.
 */
final class ClientThreads {
  private static final Method SHUTDOWN_NOW = shutdownNowMethod();

  private ClientThreads() {}

  /**
   * A cached pool of daemon threads named {@code regional-router-cluster-<name>-<n>}, like the
   * pool java.net.http makes when it is given none (idle threads end after 60 s), but one the
   * cluster owns and can shut down: JDK 17's {@code HttpClient} has no way to stop its own.
   */
  static ExecutorService newExecutor(String clusterName) {
    AtomicInteger n = new AtomicInteger();
    String prefix = "regional-router-cluster-" + clusterName + "-";
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Calls {@code HttpClient.shutdownNow()} (JDK 21+): connections closed and the selector thread
   * ended at once, without waiting for requests in flight (they fail), unlike {@code close()},
   * which waits for them. Returns whether the running JDK has it.
   */
  static boolean shutdownNow(HttpClient client) {
    if (SHUTDOWN_NOW == null) {
      return false;
    }
    try {
      SHUTDOWN_NOW.invoke(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // irrelevant: best effort, the client's threads end anyway once it is unreachable (dropped)
    }
    return true;
  }

  private static Method shutdownNowMethod() {
    try {
      return HttpClient.class.getMethod("shutdownNow");
    } catch (NoSuchMethodException e) {
      return null; // JDK 17-20
    }
  }
}
