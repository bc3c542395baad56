package io.github.regionalrouter.servlet;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The executor of a proxy servlet's blocking stream reads and writes, which the servlet shuts down. */
final class IoThreads {
  private IoThreads() {}

  /**
   * Virtual threads named {@code prefix<n>} when the JVM has them (21+; looked up reflectively, as
   * the module compiles for 17), else a cached pool of daemon threads so named whose idle threads
   * end after 60 s.
   */
  static ExecutorService newExecutor(String prefix) {
    try {
      // through the public interface Thread.Builder: the builder's own class is not accessible
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
      ThreadFactory threads = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
      Method perTask = java.util.concurrent.Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
      return (ExecutorService) perTask.invoke(null, threads);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, prefix + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }
}
