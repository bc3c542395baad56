package io.github.regionalrouter.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Embedded Jetty 12 (ee10, Servlet 6.0). */
final class JettyContainer implements ServletContainer {
  private final Server server;
  private final URI uri;

  private JettyContainer(Server server, int port, String contextPath) {
    this.server = server;
    this.uri = URI.create("http://127.0.0.1:" + port + contextPath + "/");
  }

  /**
   * Starts Jetty. Its pool also runs the connector's acceptor and selector (one each), so at most
   * {@code maxThreads - 2} threads serve requests.
   */
  static ServletContainer start(int maxThreads, String contextPath, ServletContainerInitializer deployment)
      throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads));
    pool.setReservedThreads(0);
    pool.setName("jetty-test");
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
    context.addServletContainerInitializer(deployment);
    server.setHandler(context);
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    if (!context.isAvailable()) {
      server.stop();
      throw new IllegalStateException("context failed to start");
    }
    return new JettyContainer(server, connector.getLocalPort(), contextPath);
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  @Override
  public String toString() {
    return "Jetty " + Server.getVersion() + " at " + uri;
  }
}
