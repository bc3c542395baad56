package io.github.regionalrouter.servlet;

import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.forward.Forwarder;
import io.github.regionalrouter.forward.RequestBody;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A complete reverse proxy in one servlet: resolves each request's region, selects the cluster and
 * forwards the request to one of its endpoints, relaying the answer. The part of the path below the
 * servlet's mapping goes upstream: mounted at {@code /proxy/*} in context {@code /app}, a request
 * for {@code /app/proxy/a/b?x=1} reaches the endpoint as {@code /a/b?x=1} (still percent-encoded as
 * the client sent it).
 *
 * <p>Configured like {@link RegionRoutingFilter}: a constructor taking a {@link RegionalRouter}
 * (the caller keeps ownership), or the init-param {@value #CONFIG_PARAM} naming the JSON router
 * config, whose router {@link #destroy()} closes. Map it with {@code asyncSupported=true}.
 *
 * <p>Forwarding is the core {@link Forwarder}: the same header rules (hop-by-hop headers removed,
 * the client's routing header replaced, {@code X-Forwarded-*} and {@code Via} added), the same
 * error mapping (status, {@code X-Router-Error}, one-line body) and response headers such as
 * {@code Processed-By} as the standalone proxy. The request is suspended ({@code startAsync}) at
 * once, so no container thread waits on discovery or the upstream. Bodies stream both ways with the
 * <em>blocking</em> servlet streams, read and written on the forwarder's executor: the forwarder's
 * data path is built on blocking streams with backpressure (it asks the upstream for the next
 * chunk only once the client took the last one), which servlet non-blocking I/O would have to
 * emulate with buffering; no container thread is blocked either way, and no body
 * is held whole in memory. Those threads are the servlet's own, named {@code
 * regional-router-servlet-<servlet name>-<n>}: virtual threads on JDK 21+, else a cached pool of
 * daemon threads (idle ones end after 60 s); {@link #destroy()} ends them. The response is committed
 * as soon as the upstream's headers arrive and every chunk is flushed as it comes, so streamed
 * answers (server-sent events, long polls) reach the client without waiting for a buffer to fill.
 * The container's async timeout is switched off for proxied requests: the cluster's request
 * timeout bounds them.
 *
 * <p>An upstream that dies after its headers (connection closed before the declared length, or a
 * chunked body without its last chunk) makes the servlet fail the request in a dispatch of its own;
 * the container then closes the connection without ending the body properly, so the client sees
 * the response is incomplete, never a truncated body that looks whole. For that, a body of unknown
 * length goes to an HTTP/1.1 client chunked even when it asked {@code Connection: close} (a
 * container would otherwise delimit it by the close). HTTP/1.0 has no chunks: to an HTTP/1.0
 * client only a body with a {@code Content-Length} shows that it was cut off.
 */
public final class RegionalProxyServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** The init-param naming the JSON router config file, when no router is given. */
  public static final String CONFIG_PARAM = "config";

  private final transient RegionalRouter givenRouter;
  private transient volatile RegionalRouter router;
  private transient volatile boolean ownsRouter;
  private transient volatile Forwarder forwarder;
  private transient volatile ExecutorService executor;

  /**
   * A servlet that builds its router in {@link #init(ServletConfig)} from the init-param
   * {@value #CONFIG_PARAM}, and closes it in {@link #destroy()}: the constructor a container uses
   * for a servlet declared in {@code web.xml}.
   */
  public RegionalProxyServlet() {
    this.givenRouter = null;
  }

  /**
   * A servlet that routes with {@code router}, for programmatic registration
   * ({@code ServletContext.addServlet}). {@link #destroy()} leaves the router open: its owner
   * closes it.
   *
   * @param router the router; not null, not closed by this servlet
   */
  public RegionalProxyServlet(RegionalRouter router) {
    this.givenRouter = Objects.requireNonNull(router, "router");
  }

  /**
   * Takes the given router, or builds one from the init-param {@value #CONFIG_PARAM}.
   *
   * @throws ServletException if there is neither a router nor the init-param, both, or the config
   *     file is bad (the message then names file, line, column and field)
   */
  @Override
  public void init() throws ServletException {
    String path = getInitParameter(CONFIG_PARAM);
    String owner = "RegionalProxyServlet " + getServletName();
    if (givenRouter != null) {
      if (path != null) {
        throw new ServletException(
            owner + ": init-param " + CONFIG_PARAM + " is set, but the servlet was constructed with a"
                + " router (expected: one of the two)");
      }
      router = givenRouter;
      ownsRouter = false;
      forwarder = newForwarder(router);
      return;
    }
    if (path == null || path.isBlank()) {
      throw new ServletException(
          owner + ": init-param " + CONFIG_PARAM + " is missing (expected: the path of a JSON router"
              + " config file, or construct the servlet with a RegionalRouter)");
    }
    router = ConfigLoader.load(owner, path.strip());
    ownsRouter = true;
    forwarder = newForwarder(router);
  }

  /**
   * The forwarder runs its blocking stream reads and writes on an executor this servlet owns, so
   * that {@link #destroy()} can end its threads (the forwarder's default pool is nobody's to shut
   * down).
   */
  private Forwarder newForwarder(RegionalRouter r) {
    executor = IoThreads.newExecutor(THREAD_PREFIX + getServletName() + "-");
    return Forwarder.builder(r).executor(executor).build();
  }

  /** The name prefix of the threads that stream the bodies of proxied requests. */
  static final String THREAD_PREFIX = "regional-router-servlet-";

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    Object aborted = request.getAttribute(ServletResponseSink.ABORT_ATTRIBUTE);
    if (aborted != null) {
      // the resumed dispatch of an aborted response: failing it makes the container cut it off
      throw new IOException("upstream response aborted", (Throwable) aborted);
    }
    Forwarder f = forwarder;
    if (f == null) {
      throw new ServletException("RegionalProxyServlet: not initialized, or destroyed");
    }
    if (!request.isAsyncSupported()) {
      throw new ServletException("RegionalProxyServlet " + getServletName() + ": the request does not"
          + " support async (expected: asyncSupported=true on this servlet and every filter before it)");
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    ServletResponseSink sink = new ServletResponseSink(async);
    f.handle(new ServletInboundRequest(request, upstreamTarget(request)), body(request, sink), sink);
  }

  /** The body, read through {@code sink} (never once the container ended the request). */
  private static RequestBody body(HttpServletRequest request, ServletResponseSink sink) throws IOException {
    long length = request.getContentLengthLong();
    if (length == 0 || length < 0 && request.getHeader("Transfer-Encoding") == null) {
      return RequestBody.empty();
    }
    return RequestBody.of(sink.body(request.getInputStream()), length < 0 ? -1 : length);
  }

  /**
   * The request-target to send upstream: the raw (still percent-encoded) request URI without the
   * context path and the servlet path, plus the query; {@code /} when nothing is left.
   */
  static String upstreamTarget(HttpServletRequest request) {
    String uri = request.getRequestURI();
    int start = Math.min(request.getContextPath().length(), uri.length()); // raw, as the URI
    // The servlet path is decoded: skip as many raw path segments as it has. The default servlet
    // ("/") has the whole path as its servlet path, and forwards all of it.
    HttpServletMapping mapping = request.getHttpServletMapping();
    String servletPath =
        mapping != null && mapping.getMappingMatch() == MappingMatch.DEFAULT ? "" : request.getServletPath();
    for (int i = 0; i < servletPath.length(); i++) {
      if (servletPath.charAt(i) == '/') {
        int next = uri.indexOf('/', start + 1);
        start = next < 0 ? uri.length() : next;
      }
    }
    String path = start >= uri.length() ? "/" : uri.substring(start);
    String query = request.getQueryString();
    return query == null ? path : path + '?' + query;
  }

  /**
   * Releases what the servlet made: the threads that stream bodies (requests still streaming are
   * interrupted, and their clients see them cut off; the container normally lets in-flight requests
   * end before it destroys a servlet), and the router, if it was built from the init-param
   * {@value #CONFIG_PARAM}. A router passed to the constructor is left open. Waits at most
   * {@value #DESTROY_WAIT_MILLIS} ms for the threads to end.
   */
  @Override
  public void destroy() {
    RegionalRouter r = router;
    ExecutorService e = executor;
    Forwarder f = forwarder;
    router = null;
    forwarder = null;
    if (f != null) {
      f.close(); // the fast lane's selector thread
    }
    executor = null;
    if (e != null) {
      e.shutdownNow();
      try {
        e.awaitTermination(DESTROY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (r != null && ownsRouter) {
      r.close();
    }
  }

  /** How long {@link #destroy()} waits for the streaming threads to end. */
  static final long DESTROY_WAIT_MILLIS = 5_000;
}
