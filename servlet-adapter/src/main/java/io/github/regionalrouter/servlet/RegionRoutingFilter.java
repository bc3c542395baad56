package io.github.regionalrouter.servlet;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.RegionalRouter;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A servlet filter that resolves each request's region and lets the rest of the chain see it, for
 * gateways that already run in a servlet container and forward requests themselves.
 *
 * <p>Downstream of this filter, {@code request.getHeader(routingHeader)} (any case) is the resolved
 * region and never what the client sent; {@code getHeaders} and {@code getHeaderNames} agree. The
 * whole {@link RouteDecision} (region, cluster, endpoint) is the request attribute
 * {@value #DECISION_ATTRIBUTE}. The router's response headers (e.g. {@code Processed-By}) are set
 * on the response before the chain runs. A request that cannot be routed is answered here, with the
 * standalone proxy's status, {@code X-Router-Error: <reason code>} header and one-line
 * {@code text/plain} body, and the chain is not called.
 *
 * <h2>No container thread waits on discovery</h2>
 * When the decision is already known (a cache hit) the chain continues on the calling thread.
 * Otherwise the filter calls {@code startAsync} and returns the thread to the container; when the
 * decision arrives it calls {@link AsyncContext#dispatch()}, and the container runs the filter chain
 * again (dispatcher type {@code ASYNC}) on one of its threads: this filter finds the decision in the
 * request attribute and continues the chain synchronously. Dispatching, rather than calling the
 * chain from another thread, is what the Servlet specification allows: a {@link FilterChain} is
 * only valid during the dispatch it was given to (Tomcat recycles it when that dispatch returns),
 * and only inside a dispatch may the servlet start async itself, forward, or use the container's
 * error pages. A failure is answered from {@link AsyncContext#start}, on a container thread,
 * without a dispatch.
 *
 * <p>Register the filter with {@code asyncSupported=true} for dispatcher types {@code REQUEST} and
 * {@code ASYNC}; the filters before it must support async too (a request that reaches it through
 * one that does not is refused with a {@link ServletException} naming this requirement, whether or
 * not its decision is cached, so that a misconfiguration shows at once). The servlet need not
 * support async: it is called in the resumed dispatch, after the suspension has ended. Filters after this one that are not mapped for {@code ASYNC} are skipped on
 * the resumed pass, as for any async dispatch. Even so, the servlet never sees the client's routing
 * header: the request given to {@code startAsync}, and so to the dispatch, is already the wrapped
 * one.
 *
 * <pre>{@code
 * FilterRegistration.Dynamic f = servletContext.addFilter("region-routing", new RegionRoutingFilter(router));
 * f.setAsyncSupported(true);
 * f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
 * }</pre>
 *
 * <p>Or in {@code web.xml}, with init-param {@value #CONFIG_PARAM} holding the path of the JSON
 * router config; a bad config fails {@link #init} with the config's {@code file:line:col} message.
 *
 * <p>The container's async timeout is raised, if needed, to the router's resolve timeout plus
 * {@value #ASYNC_TIMEOUT_MARGIN_MILLIS} ms; the router itself always decides within its resolve
 * timeout, so the container's timeout is only a backstop (answered 503 {@code
 * discovery_unavailable}).
 */
public final class RegionRoutingFilter implements Filter {
  /** The request attribute holding the {@link RouteDecision} of a routed request. */
  public static final String DECISION_ATTRIBUTE = "io.github.regionalrouter.decision";

  /** The init-param naming the JSON router config file, when no router is given. */
  public static final String CONFIG_PARAM = "config";

  /** How much longer than the router's resolve timeout the container's async timeout is at least. */
  static final long ASYNC_TIMEOUT_MARGIN_MILLIS = 10_000;

  private final RegionalRouter givenRouter;
  private volatile RegionalRouter router;
  private volatile boolean ownsRouter;
  private volatile FilterConfig filterConfig;

  /**
   * A filter that builds its router in {@link #init} from the JSON config file named by the
   * init-param {@value #CONFIG_PARAM}, and closes it in {@link #destroy()}. This is the constructor
   * a container uses for a filter declared in {@code web.xml}.
   */
  public RegionRoutingFilter() {
    this.givenRouter = null;
  }

  /**
   * A filter that routes with {@code router}, for programmatic registration
   * ({@code ServletContext.addFilter}). The caller keeps ownership: {@link #destroy()} does not close
   * the router, so one router may serve several filters and servlets.
   *
   * @param router the router; not null, not closed by this filter
   */
  public RegionRoutingFilter(RegionalRouter router) {
    this.givenRouter = Objects.requireNonNull(router, "router");
  }

  /**
   * Takes the given router, or builds one from the init-param {@value #CONFIG_PARAM}.
   *
   * @throws ServletException if there is neither a router nor the init-param, both, or the config
   *     file is bad (the message then names file, line, column and field)
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    this.filterConfig = config;
    String path = config.getInitParameter(CONFIG_PARAM);
    String owner = "RegionRoutingFilter " + config.getFilterName();
    if (givenRouter != null) {
      if (path != null) {
        throw new ServletException(
            owner + ": init-param " + CONFIG_PARAM + " is set, but the filter was constructed with a"
                + " router (expected: one of the two)");
      }
      router = givenRouter;
      ownsRouter = false;
      return;
    }
    if (path == null || path.isBlank()) {
      throw new ServletException(
          owner + ": init-param " + CONFIG_PARAM + " is missing (expected: the path of a JSON router"
              + " config file, or construct the filter with a RegionalRouter)");
    }
    router = ConfigLoader.load(owner, path.strip());
    ownsRouter = true;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;

    // The resumed (ASYNC) pass, or any later dispatch of a request already routed: never resolve
    // twice, and never let a later pass see the client's header.
    Object known = request.getAttribute(DECISION_ATTRIBUTE);
    if (known instanceof RouteDecision) {
      proceed(request, response, chain, (RouteDecision) known);
      return;
    }

    RegionalRouter router = this.router;
    if (router == null) {
      throw new ServletException("RegionRoutingFilter: not initialized, or destroyed");
    }
    if (!request.isAsyncSupported()) {
      throw new ServletException(
          "RegionRoutingFilter " + filterConfig.getFilterName() + ": the request does not support"
              + " async (expected: asyncSupported=true on this filter and every filter before it)");
    }

    CompletableFuture<RouteDecision> pending =
        router.decide(new ServletInboundRequest(request)).toCompletableFuture();
    if (pending.isDone()) {
      RouteDecision decision;
      try {
        decision = pending.join();
      } catch (CompletionException | CancellationException e) {
        RoutingException failure = routingFailure(e);
        if (failure == null) {
          throw new ServletException("routing failed", e.getCause() == null ? e : e.getCause());
        }
        RoutingErrors.write(response, failure);
        return;
      }
      request.setAttribute(DECISION_ATTRIBUTE, decision);
      proceed(request, response, chain, decision);
      return;
    }

    RoutedRequest routed = new RoutedRequest(request, router.routingHeader(), null);
    AsyncContext async = request.startAsync(routed, response);
    long needed = router.resolveTimeout().toMillis() + ASYNC_TIMEOUT_MARGIN_MILLIS;
    if (async.getTimeout() > 0 && async.getTimeout() < needed) {
      async.setTimeout(needed);
    }
    Resumption resumption = new Resumption(async, request, routed);
    async.addListener(resumption);
    pending.whenComplete(resumption);
  }

  private static void proceed(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain, RouteDecision decision)
      throws IOException, ServletException {
    for (Map.Entry<String, String> h : decision.responseHeaders().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    HttpServletRequest downstream =
        isRouted(request) ? request : new RoutedRequest(request, decision.routingHeader(), decision);
    chain.doFilter(downstream, response);
  }

  private static boolean isRouted(ServletRequest request) {
    return request instanceof RoutedRequest
        || request instanceof ServletRequestWrapper
            && ((ServletRequestWrapper) request).isWrapperFor(RoutedRequest.class);
  }

  private static RoutingException routingFailure(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof RoutingException ? (RoutingException) t : null;
  }

  /**
   * Releases what the filter made: the router, if the filter built it from the init-param
   * {@value #CONFIG_PARAM}. A router passed to the constructor is left open; its owner closes it.
   */
  @Override
  public void destroy() {
    RegionalRouter r = router;
    router = null;
    if (r != null && ownsRouter) {
      r.close();
    }
  }

  @Override
  public String toString() {
    return "RegionRoutingFilter[" + router + "]";
  }

  /**
   * Resumes one suspended request exactly once: when the decision arrives, or when the container
   * times the request out or reports an error, whichever is first.
   */
  private final class Resumption implements BiConsumer<RouteDecision, Throwable>, AsyncListener {
    private final AsyncContext async;
    private final HttpServletRequest request;
    private final RoutedRequest routed;
    private final AtomicBoolean done = new AtomicBoolean();

    Resumption(AsyncContext async, HttpServletRequest request, RoutedRequest routed) {
      this.async = async;
      this.request = request;
      this.routed = routed;
    }

    /** Runs on the thread that completes the decision; does not block. */
    @Override
    public void accept(RouteDecision decision, Throwable error) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      try {
        if (error == null) {
          request.setAttribute(DECISION_ATTRIBUTE, decision);
          routed.decision(decision);
          async.dispatch();
        } else {
          RoutingException failure = routingFailure(error);
          if (failure == null) {
            log("routing failed", error);
          }
          async.start(() -> answer(failure));
        }
      } catch (IllegalStateException e) {
        // the request ended meanwhile (client gone, container stopping): nothing left to answer
      }
    }

    private void answer(RoutingException failure) {
      try {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        if (failure == null) {
          RoutingErrors.writeInternalError(response);
        } else {
          RoutingErrors.write(response, failure);
        }
      } catch (IOException | RuntimeException e) {
        // the client went away while we answered; completing below is all that is left
      } finally {
        try {
          async.complete();
        } catch (IllegalStateException e) {
          // already completed by the container
        }
      }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      if (done.compareAndSet(false, true)) {
        answer(new RoutingException(
            FailureReason.DISCOVERY_UNAVAILABLE, "region discovery timed out (container async timeout)"));
      }
    }

    @Override
    public void onError(AsyncEvent event) {
      if (done.compareAndSet(false, true)) {
        try {
          async.complete();
        } catch (IllegalStateException e) {
          // already completed by the container
        }
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }

  private void log(String message, Throwable t) {
    FilterConfig config = filterConfig;
    if (config != null) {
      config.getServletContext().log("RegionRoutingFilter: " + message, t);
    }
  }
}
