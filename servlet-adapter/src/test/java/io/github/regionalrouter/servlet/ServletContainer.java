package io.github.regionalrouter.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;

/** An embedded servlet container on a loopback port, for tests. */
interface ServletContainer extends AutoCloseable {

  /** The root of the deployed context, e.g. {@code http://127.0.0.1:41234/} or {@code .../app/}. */
  URI uri();

  /** The port the container listens on. */
  default int port() {
    return uri().getPort();
  }

  /** Stops the container. */
  @Override
  void close() throws Exception;

  /** Starts one kind of container. */
  @FunctionalInterface
  interface Starter {
    /**
     * Starts a container on 127.0.0.1, an ephemeral port, with at most {@code maxThreads} request
     * threads and one context at {@code contextPath} ({@code ""} for the root, else like {@code /app}) that {@code deployment} sets up through the standard
     * {@link jakarta.servlet.ServletContext} API, as a webapp's initializer would.
     */
    ServletContainer start(int maxThreads, String contextPath, ServletContainerInitializer deployment)
        throws Exception;

    /** Starts a container with the context at the root. */
    default ServletContainer start(int maxThreads, ServletContainerInitializer deployment) throws Exception {
      return start(maxThreads, "", deployment);
    }
  }
}
