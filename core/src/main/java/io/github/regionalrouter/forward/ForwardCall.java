package io.github.regionalrouter.forward;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RouteDecision;
import io.github.regionalrouter.RoutingException;
import io.github.regionalrouter.cluster.Endpoint;
import io.github.regionalrouter.internal.AbsoluteFormRequest;
import io.github.regionalrouter.internal.cluster.ClusterRuntime;
import io.github.regionalrouter.internal.loop.LoopBody;
import io.github.regionalrouter.internal.loop.SelectorLoop;
import io.github.regionalrouter.internal.upstream.UpstreamClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request on its way through a {@link Forwarder}: routing, attempts (and safe retries),
 * streaming, and the single end that releases the cluster permit and reports the result.
 */
final class ForwardCall {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  final Forwarder fwd;
  final InboundRequest request;
  final RequestBody body;
  final ResponseSink sink;
  final SerialExecutor serial;
  private final long startNanos = System.nanoTime();
  private final CompletableFuture<ForwardResult> result = new CompletableFuture<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  final AtomicLong bytesIn = new AtomicLong();
  long bytesOut; // written by sink tasks only (serial)
  private boolean counted; // serial

  private String requestId;
  private RouteDecision decision;
  private ClusterRuntime cluster;
  private String pathAndQuery;
  private List<String[]> headers;
  private long deadlineNanos;
  private int attempts;
  private boolean retriedIdempotent;
  private volatile Endpoint permit; // endpoint whose cluster permit is held
  private volatile Endpoint endpoint; // last tried
  private volatile ResponseRelay relay;
  private volatile boolean bodyTooLarge;
  private volatile boolean bodyUnreadable; // the client's body failed to read: its fault, not the upstream's

  ForwardCall(Forwarder fwd, InboundRequest request, RequestBody body, ResponseSink sink) {
    this.fwd = fwd;
    this.request = AbsoluteFormRequest.of(request); // RFC 9112 3.2.2: the target's authority is the Host
    this.body = body;
    this.sink = sink;
    this.serial = new SerialExecutor(fwd.executor);
    fwd.router.stats().requestStarted();
  }

  CompletableFuture<ForwardResult> result() {
    return result;
  }

  void start() {
    requestId = requestIdOf(request, fwd.requestIdHeader);
    RoutingException bad = HeaderRules.invalidHeader(request);
    if (bad == null && body.contentLength() > fwd.maxRequestBodyBytes) {
      bad = tooLarge();
    }
    if (bad != null) {
      reject(bad);
      return;
    }
    fwd.router.decide(request).whenComplete((d, e) -> {
      if (e != null) {
        respondError(asRouting(e), false);
      } else {
        forward(d);
      }
    });
  }

  /** Answers a failure found before routing; the router's listeners hear of it. */
  void reject(RoutingException failure) {
    if (requestId == null) {
      requestId = requestIdOf(request, fwd.requestIdHeader);
    }
    fwd.router.listener().onRoutingFailure(request, failure);
    respondError(failure, false);
  }

  private void forward(RouteDecision d) {
    this.decision = d;
    this.cluster = ClusterRuntime.of(fwd.router.clusters().get(d.cluster().name()));
    try {
      pathAndQuery = HeaderRules.pathAndQuery(request.target());
      headers = HeaderRules.requestHeaders(d, requestId, fwd.via, fwd.requestIdHeader,
          fwd.allowUnderscoresInHeaders ? null : fwd.underscoreHeadersDropped);
    } catch (RoutingException e) {
      respondError(e, true);
      return;
    }
    deadlineNanos = System.nanoTime() + cluster.requestTimeout().toNanos();
    attempt(d.endpoint());
  }

  private void attempt(Endpoint ep) {
    endpoint = ep;
    attempts++;
    if (!cluster.tryAcquire(ep)) {
      respondError(new RoutingException(FailureReason.CLUSTER_OVERLOADED, "cluster " + cluster.name()
          + " is at its limit of " + cluster.maxConcurrentRequests() + " concurrent requests"), true);
      return;
    }
    permit = ep;
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      respondError(timeout(), true);
      return;
    }
    if (fwd.fastLaneOpen() && (body.contentLength() == 0 || fwd.fastLaneBodies) && "http".equals(ep.scheme())
        && cluster.version() == java.net.http.HttpClient.Version.HTTP_1_1) {
      fastLane(ep, remaining);
      return;
    }
    HttpRequest upstream;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ep.uri() + (pathAndQuery.equals("*") ? "/" : pathAndQuery)))
          .timeout(Duration.ofNanos(remaining))
          .method(request.method(), publisher());
      for (String[] h : headers) {
        b.header(h[0], h[1]);
      }
      if (fwd.preserveHost) {
        String host = request.header("Host");
        b.header("Host", host != null ? host : decision.host());
      }
      upstream = b.build();
    } catch (IllegalArgumentException e) {
      respondError(new RoutingException(FailureReason.INVALID_REQUEST,
          "request cannot be forwarded: " + firstLine(e.getMessage())), true);
      return;
    }
    if (SelectorLoop.inLoopThread()) {
      // An event loop must not block, and sendAsync may: it resolves the host name on the calling
      // thread, and the cluster's first request builds its HttpClient (SSL context included).
      HttpRequest r = upstream;
      try {
        fwd.executor.execute(() -> sendAsync(ep, r));
        return;
      } catch (RuntimeException e) {
        // executor shut down: send from here rather than lose the request
      }
    }
    sendAsync(ep, upstream);
  }

  private void sendAsync(Endpoint ep, HttpRequest upstream) {
    CompletableFuture<HttpResponse<Void>> sent;
    try {
      sent = cluster.httpClient().sendAsync(upstream, handler(ep));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    // On JDK 17 this callback runs on a thread java.net.http hands every sendAsync completion to
    // (see RegionalProxyServer's note on CompletableFuture's default executor); keep it trivial.
    Endpoint target = ep;
    sent.whenComplete((r, t) -> {
      if (t != null) {
        failed(target, unwrap(t));
      }
    });
  }

  /**
   * Sends a request over plain HTTP/1.1 with the forwarder's own client, its body (if any) read
   * through {@link CountingBody} on the executor. Its
   * callbacks run on that client's selector thread, so a failure is handed to the executor (it
   * may call listeners or start another attempt).
   */
  private void fastLane(Endpoint ep, long remaining) {
    String host;
    if (fwd.preserveHost) {
      String h = request.header("Host");
      host = h != null ? h : decision.host();
    } else {
      host = ep.port() == 80 ? ep.authority().substring(0, ep.authority().lastIndexOf(':')) : ep.authority();
    }
    CompletableFuture<Void> sent;
    try {
      long len = body.contentLength();
      CountingBody counting = len == 0 ? null : countingBody();
      // a body on an event loop goes out on that loop's client: read and sent on one thread
      sent = fwd.upstream(counting == null ? null : counting.loop()).send(ep, request.method(), pathAndQuery, headers, host, cluster.connectTimeout(),
          Duration.ofNanos(remaining), counting, len, handler(ep));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((r, t) -> {
      if (t != null) {
        Throwable cause = unwrap(t);
        if (cause instanceof IllegalArgumentException && relay == null) {
          releasePermit();
          respondError(new RoutingException(FailureReason.INVALID_REQUEST,
              "request cannot be forwarded: " + firstLine(cause.getMessage())), true);
          return;
        }
        try {
          fwd.executor.execute(() -> failed(ep, cause));
        } catch (RuntimeException e) {
          failed(ep, cause);
        }
      }
    });
  }

  private HttpResponse.BodyHandler<Void> handler(Endpoint target) {
    return info -> {
      ResponseRelay r = new ResponseRelay(this, info);
      relay = r;
      if (info.statusCode() >= 500) {
        cluster.recordFailure(target);
      } else {
        cluster.recordSuccess(target);
      }
      return r;
    };
  }

  private CountingBody countingBody;

  /** The body stream, counted into {@link #bytesIn} and cut off past the limit; one per call. */
  private CountingBody countingBody() {
    if (countingBody == null) {
      countingBody = new CountingBody(body.stream());
    }
    return countingBody;
  }

  /**
   * Counts what is read into {@link #bytesIn}, like {@link InputStreamPublisher}, and fails past
   * {@code maxRequestBodyBytes} (then the answer is 413). When the adapter's stream is a
   * {@link LoopBody} (the http1 engine's, on an event loop), so is this: the fast lane of that loop
   * then reads it there without blocking.
   */
  private final class CountingBody extends java.io.FilterInputStream implements LoopBody {
    private final LoopBody onLoop; // the stream as a LoopBody, or null
    private long read;

    CountingBody(java.io.InputStream in) {
      super(in);
      this.onLoop = in instanceof LoopBody ? (LoopBody) in : null;
    }

    @Override
    public SelectorLoop loop() {
      return onLoop == null ? null : onLoop.loop();
    }

    @Override
    public int readNow(byte[] b, int off, int len) throws IOException {
      return counted(onLoop.readNow(b, off, len));
    }

    @Override
    public void whenReadable(Runnable then) {
      onLoop.whenReadable(then);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return counted(in.read(b, off, len));
    }

    private int counted(int n) throws IOException {
      if (n > 0) {
        read += n;
        bytesIn.addAndGet(n);
        if (read > fwd.maxRequestBodyBytes) {
          bodyTooLarge = true;
          throw new IOException("request body is larger than " + fwd.maxRequestBodyBytes + " bytes");
        }
      }
      return n;
    }

    @Override
    public long skip(long n) {
      return 0;
    }

    @Override
    public void close() {
      // the forwarder does not close the stream
    }
  }

  private HttpRequest.BodyPublisher publisher() {
    long len = body.contentLength();
    if (len == 0) {
      return HttpRequest.BodyPublishers.noBody();
    }
    InputStreamPublisher p = new InputStreamPublisher(body.stream(), len, fwd.chunkSize, fwd.executor, bytesIn,
        fwd.maxRequestBodyBytes, () -> bodyTooLarge = true, () -> bodyUnreadable = true);
    return len > 0 ? HttpRequest.BodyPublishers.fromPublisher(p, len) : HttpRequest.BodyPublishers.fromPublisher(p);
  }

  /** The attempt on {@code ep} failed before or while its answer arrived. */
  private void failed(Endpoint ep, Throwable t) {
    ResponseRelay r = relay;
    if (r != null) {
      r.upstreamFailed(t); // headers were in: the relay ends the response
      return;
    }
    boolean connectFailure = t instanceof ConnectException || t instanceof HttpConnectTimeoutException
        || t instanceof NoRouteToHostException || t instanceof UnresolvedAddressException
        || t.getCause() instanceof UnresolvedAddressException;
    RoutingException failure = classify(t);
    if (connectFailure) {
      cluster.recordFailure(ep);
    }
    releasePermit();
    if (fwd.retries && System.nanoTime() - deadlineNanos < 0 && attempts < Math.max(2, cluster.endpoints().size())) {
      boolean noBodyRead = bytesIn.get() == 0;
      if (connectFailure && noBodyRead) {
        Endpoint next = another(ep);
        if (next != null) {
          attempt(next);
          return;
        }
      }
      if (!connectFailure && !retriedIdempotent && body.contentLength() == 0
          && IDEMPOTENT.contains(request.method().toUpperCase(Locale.ROOT))
          && failure.reason() == FailureReason.UPSTREAM_UNREACHABLE) {
        retriedIdempotent = true;
        Endpoint next = another(ep);
        attempt(next != null ? next : ep);
        return;
      }
    }
    respondError(failure, true);
  }

  private Endpoint another(Endpoint ep) {
    int n = cluster.endpoints().size();
    for (int i = 0; i < n; i++) {
      Endpoint e = cluster.pickEndpoint();
      if (e != null && !e.equals(ep)) {
        return e;
      }
    }
    return null;
  }

  private RoutingException tooLarge() {
    return new RoutingException(FailureReason.INVALID_REQUEST, 413,
        "request body is larger than " + fwd.maxRequestBodyBytes + " bytes", null);
  }

  private RoutingException classify(Throwable t) {
    if (bodyTooLarge) {
      return tooLarge();
    }
    if (bodyUnreadable) {
      return new RoutingException(FailureReason.INVALID_REQUEST,
          "request body could not be read (malformed framing, or the client cut it short)", t);
    }
    if (t instanceof RoutingException) {
      return (RoutingException) t;
    }
    if (t instanceof io.github.regionalrouter.internal.upstream.RequestBodyException) {
      return new RoutingException(FailureReason.INVALID_REQUEST, "request body could not be read", t);
    }
    if (t instanceof HttpConnectTimeoutException) {
      return new RoutingException(FailureReason.UPSTREAM_TIMEOUT, "connecting to the upstream timed out after "
          + cluster.connectTimeout().toMillis() + " ms", t);
    }
    if (t instanceof HttpTimeoutException) {
      return timeout();
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException
        || t instanceof UnresolvedAddressException || t.getCause() instanceof UnresolvedAddressException) {
      return new RoutingException(FailureReason.UPSTREAM_UNREACHABLE, "upstream refused the connection or is unreachable", t);
    }
    if (t instanceof ProtocolException) {
      return new RoutingException(FailureReason.UPSTREAM_PROTOCOL_ERROR, "upstream sent an invalid answer", t);
    }
    // by type, never by message: both lanes throw ProtocolException for an invalid answer; any
    // other I/O failure before the head (java.net.http's "header parser received no bytes", a
    // reset) means the upstream did not answer: unreachable, so a bodiless GET may be retried
    if (t instanceof UpstreamClosedException) {
      return new RoutingException(FailureReason.UPSTREAM_UNREACHABLE, "upstream closed the connection before answering", t);
    }
    if (t instanceof IOException) {
      return new RoutingException(FailureReason.UPSTREAM_UNREACHABLE, "upstream connection failed before answering", t);
    }
    if (t instanceof IllegalArgumentException) {
      return new RoutingException(FailureReason.INVALID_REQUEST, "request cannot be forwarded", t);
    }
    return new RoutingException(FailureReason.UPSTREAM_UNREACHABLE, "forwarding failed", t);
  }

  private RoutingException timeout() {
    return new RoutingException(FailureReason.UPSTREAM_TIMEOUT, "upstream did not answer within "
        + cluster.requestTimeout().toMillis() + " ms");
  }

  /** The upstream's answer broke before any of it reached the client. Serial. */
  void upstreamFailedBeforeBody(RoutingException failure) {
    respondError(failure, true);
  }

  /** Sends the failure as the response (or aborts one already started), then ends. */
  private void respondError(RoutingException failure, boolean upstream) {
    if (upstream && decision != null) {
      fwd.router.listener().onUpstreamFailure(decision, failure);
    }
    serial.execute(() -> {
      int status = failure.status();
      boolean aborted = false;
      try {
        Map<String, List<String>> h = new LinkedHashMap<>();
        Map<String, String> extra = decision != null ? decision.responseHeaders() : fwd.router.responseHeaders();
        extra.forEach((k, v) -> h.put(k, List.of(v)));
        h.put("Content-Type", List.of("text/plain; charset=utf-8"));
        h.put("X-Router-Error", List.of(failure.reason().code()));
        h.put(fwd.requestIdHeader, List.of(requestId));
        byte[] text = (status + " " + failure.reason().code() + ": " + failure.getMessage() + "\n")
            .getBytes(StandardCharsets.UTF_8);
        countStatus(status);
        sink.start(status, h, text.length);
        sink.write(ByteBuffer.wrap(text));
        sink.complete();
      } catch (IOException | RuntimeException e) {
        aborted = true;
        sink.abort(e);
      }
      finish(status, aborted, failure.reason());
    });
  }

  /**
   * Counts the status once, before the response's first byte goes out, so that whoever sees the
   * response also sees it counted. Runs on the serial executor.
   */
  void countStatus(int status) {
    if (!counted) {
      counted = true;
      fwd.router.stats().recordStatus(status);
    }
  }

  /** Ends the call once: releases the permit, counts, reports. Runs on the serial executor. */
  void finish(int status, boolean aborted, FailureReason failure) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    releasePermit();
    long nanos = System.nanoTime() - startNanos;
    countStatus(status);
    fwd.router.stats().requestFinished();
    if (decision != null) {
      fwd.router.listener().onForwarded(decision, status, nanos);
    }
    Endpoint ep = endpoint;
    result.complete(new ForwardResult(status, aborted, bytesIn.get(), bytesOut, nanos,
        decision == null ? null : decision.region(),
        decision == null || cluster == null ? null : cluster.name(),
        ep == null ? null : ep.toString(), requestId, failure));
  }

  private void releasePermit() {
    Endpoint p = permit;
    if (p != null) {
      permit = null;
      cluster.release(p);
    }
  }

  RouteDecision decision() {
    return decision;
  }

  String requestId() {
    return requestId;
  }

  private static String requestIdOf(InboundRequest request, String header) {
    String id = request.header(header);
    if (id != null && !id.isEmpty() && id.length() <= 200 && id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return id;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return hex(r.nextLong()) + hex(r.nextLong());
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0000000000000000".substring(s.length()) + s;
  }

  private static RoutingException asRouting(Throwable e) {
    Throwable t = unwrap(e);
    return t instanceof RoutingException ? (RoutingException) t
        : new RoutingException(FailureReason.DISCOVERY_UNAVAILABLE, "routing failed", t);
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid header";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
