package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.internal.UriTemplate;
import io.github.regionalrouter.internal.http.BodyTooLargeException;
import io.github.regionalrouter.internal.http.CappedBodySubscriber;
import io.github.regionalrouter.internal.http.HttpSyntax;
import io.github.regionalrouter.internal.json.JsonExtractionException;
import io.github.regionalrouter.internal.json.JsonPointerExtractor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks an HTTP discovery service for a host's region: a {@code GET} on a URI template whose
 * {@code {host}} is replaced by the percent-encoded host, the region picked from the JSON answer by
 * a JSON Pointer. Built by {@link RegionResolvers#httpDiscovery(String)}, e.g.
 *
 * <pre>{@code
 * RegionResolver discovery = RegionResolvers.httpDiscovery("http://discovery:8080/anything?region={host}")
 *     .regionPointer("/args/region")
 *     .timeout(Duration.ofMillis(500))
 *     .header("Authorization", "Bearer " + token)
 *     .build();
 * }</pre>
 *
 * <h2>Answers</h2>
 * <ul>
 *   <li>A 2xx answer whose JSON body holds, at the pointer, a string that is a
 *       {@linkplain RegionAnswer#isValidRegion safe region name}: that region.
 *   <li>A 404 answer, whatever its body: {@link RegionAnswer#unknown()} (the service does not know
 *       the host). This is the only way to answer "unknown"; an empty string is not one.
 *   <li>Anything else fails the stage with a {@link DiscoveryException}: another status
 *       ({@code answered 500}), a body over the cap, a body that is not exactly one well-formed JSON
 *       value (trailing content and repeated member names included), nesting deeper than 64 levels,
 *       no value at the pointer, a value that is not a string ({@code null}, a number, an
 *       object...), or a string that is not a safe region name ({@code unsafe region value}).
 *   <li>A call that does not complete within the {@linkplain Builder#timeout timeout} fails with a
 *       {@link DiscoveryTimeoutException}, a {@code DiscoveryException}.
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link #resolve} never blocks and never throws for I/O: it sends with
 * {@link HttpClient#sendAsync} and returns at once. The returned stage completes on a thread of the
 * {@link HttpClient}'s executor; on timeout, on that executor too if the client has one
 * ({@link HttpClient#executor()}), else on {@link ForkJoinPool#commonPool()}. Completing or
 * cancelling the returned future aborts the call.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpDiscoveryResolver implements RegionResolver {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  private static final URI PROBE_URI = URI.create("http://localhost/");

  private final UriTemplate template;
  private final JsonPointerExtractor pointer;
  private final Duration timeout;
  private final long timeoutMillis;
  private final int maxBodyBytes;
  /** Header names and values, alternating. */
  private final String[] headers;
  private final HttpClient client;
  private final Executor timeoutExecutor;
  private final HttpResponse.BodyHandler<ByteBuffer> bodyHandler;

  private HttpDiscoveryResolver(Builder b) {
    this.template = b.template;
    this.pointer = b.pointer;
    this.timeout = b.timeout;
    this.timeoutMillis = Math.max(1, b.timeout.toMillis());
    this.maxBodyBytes = b.maxBodyBytes;
    List<String> h = new ArrayList<>();
    boolean hasAccept = false;
    for (String[] header : b.headers) {
      hasAccept |= header[0].equalsIgnoreCase("Accept");
      h.add(header[0]);
      h.add(header[1]);
    }
    if (!hasAccept) {
      h.add(0, "Accept");
      h.add(1, "application/json");
    }
    this.headers = h.toArray(new String[0]);
    this.client =
        b.client != null
            ? b.client
            : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(
                    b.timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? b.timeout : MAX_CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.timeoutExecutor = client.executor().orElse(ForkJoinPool.commonPool());
    int cap = maxBodyBytes;
    this.bodyHandler =
        info -> {
          long declared;
          try {
            declared = info.headers().firstValueAsLong("content-length").orElse(-1L);
          } catch (NumberFormatException e) {
            declared = -1L; // the client itself fails a response with a malformed length
          }
          // only a 2xx body matters; any other is read (for connection reuse) only while small
          return info.statusCode() / 100 == 2
              ? CappedBodySubscriber.collecting(cap, declared)
              : CappedBodySubscriber.discarding(cap, declared);
        };
  }

  static Builder builder(String uriTemplate) {
    return new Builder(uriTemplate);
  }

  /**
   * Asks the discovery service for the region of {@code host}. Never blocks and never throws for
   * I/O or a bad answer: the stage completes exceptionally with a {@link DiscoveryException}
   * ({@link DiscoveryTimeoutException} for a timeout) instead.
   *
   * @return a stage completed with the region, {@link RegionAnswer#unknown()} for a 404 answer, or
   *     exceptionally; completing or cancelling it aborts the HTTP call
   */
  @Override
  public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    CompletableFuture<RegionAnswer> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<ByteBuffer>> call;
    try {
      call = client.sendAsync(newRequest(host), bodyHandler);
    } catch (RuntimeException e) {
      // sendAsync throws only for a request it cannot send at all; report it like any failure
      result.completeExceptionally(new DiscoveryException(host, "request not sent: " + e, e));
      return result;
    }
    // the answer (or failure) of the call, bounded by the deadline; orTimeout completes it on the
    // JDK's shared delay thread, so the timeout hops to an executor before reaching the caller
    CompletableFuture<RegionAnswer> bounded =
        call.handle((response, error) -> outcome(host, response, error))
            .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    bounded.whenComplete(
        (answer, error) -> {
          if (error == null) {
            result.complete(answer);
            return;
          }
          Throwable cause = unwrap(error);
          if (cause instanceof TimeoutException) {
            DiscoveryException timedOut = new DiscoveryTimeoutException(host, timeoutMillis, null);
            try {
              timeoutExecutor.execute(() -> result.completeExceptionally(timedOut));
            } catch (RejectedExecutionException e) {
              result.completeExceptionally(timedOut);
            }
          } else {
            result.completeExceptionally(failure(host, cause));
          }
        });
    // on timeout, or when the caller completes or cancels the stage, stop reading
    result.whenComplete(
        (answer, error) -> {
          if (!call.isDone()) {
            call.cancel(true);
          }
        });
    return result;
  }

  private HttpRequest newRequest(String host) {
    HttpRequest.Builder b = HttpRequest.newBuilder(template.expand(host)).timeout(timeout).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  /** The answer of a completed call; throws {@link DiscoveryException} for a failed or bad one. */
  private RegionAnswer outcome(String host, HttpResponse<ByteBuffer> response, Throwable error) {
    if (error != null) {
      throw failure(host, unwrap(error));
    }
    int status = response.statusCode();
    if (status == 404) {
      return RegionAnswer.unknown();
    }
    if (status / 100 != 2) {
      throw new DiscoveryException(host, "answered " + status, null);
    }
    ByteBuffer body = response.body();
    String region;
    try {
      region = pointer.extract(body.array(), body.arrayOffset() + body.position(), body.remaining());
    } catch (JsonExtractionException e) {
      throw new DiscoveryException(host, e.getMessage(), null);
    }
    if (!RegionAnswer.isValidRegion(region)) {
      throw new DiscoveryException(
          host,
          "unsafe region value \""
              + RegionAnswer.printable(region)
              + "\" at "
              + pointer
              + " (expected: 1-64 of A-Z a-z 0-9 _ . -, not . or ..)",
          null);
    }
    return RegionAnswer.of(region);
  }

  private DiscoveryException failure(String host, Throwable t) {
    if (t instanceof DiscoveryException) {
      return (DiscoveryException) t;
    }
    if (t instanceof HttpTimeoutException) { // includes HttpConnectTimeoutException
      return new DiscoveryTimeoutException(host, timeoutMillis, t);
    }
    if (t instanceof BodyTooLargeException) {
      return new DiscoveryException(host, "answer " + t.getMessage(), null);
    }
    if (t instanceof ConnectException) {
      return new DiscoveryException(host, "cannot connect: " + describe(t), t);
    }
    if (t instanceof IOException) {
      return new DiscoveryException(host, "I/O error: " + describe(t), t);
    }
    return new DiscoveryException(host, "unexpected error: " + describe(t), t);
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Describes the resolver: template, pointer, limits and the names of extra headers. Header
   * values are shown as {@code <redacted>}: they are often secrets.
   */
  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder("HttpDiscoveryResolver[uriTemplate=")
            .append(template)
            .append(", regionPointer=")
            .append(pointer)
            .append(", timeout=")
            .append(timeout)
            .append(", maxBodyBytes=")
            .append(maxBodyBytes)
            .append(", headers=[");
    for (int i = 0; i < headers.length; i += 2) {
      b.append(i == 0 ? "" : ", ").append(headers[i]).append(": <redacted>");
    }
    return b.append("]]").toString();
  }

  /**
   * Builds an {@link HttpDiscoveryResolver}. Each setter checks its argument at once and throws
   * {@link IllegalArgumentException} naming the argument; a later call replaces an earlier one.
   * {@link #build()} does not change the builder, so one builder can build several resolvers. Not
   * thread-safe.
   */
  public static final class Builder {
    private final UriTemplate template;
    private JsonPointerExtractor pointer = JsonPointerExtractor.compile("/region");
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private final List<String[]> headers = new ArrayList<>();
    private HttpClient client;

    Builder(String uriTemplate) {
      this.template = UriTemplate.parse(uriTemplate);
    }

    /**
     * The JSON Pointer (RFC 6901) of the region in the answer, e.g. {@code /region},
     * {@code /args/region} or {@code /regions/0}; {@code ~1} stands for {@code /} and {@code ~0}
     * for {@code ~} in a member name. If this method is not invoked prior to building, the region
     * is read at {@code /region}.
     *
     * @param pointer the JSON Pointer; not null
     * @return this builder
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer
     */
    public Builder regionPointer(String pointer) {
      this.pointer = JsonPointerExtractor.compile(Objects.requireNonNull(pointer, "regionPointer"));
      return this;
    }

    /**
     * How long one discovery call may take, from sending to the last byte of the answer: connecting,
     * waiting for the headers and reading the body all count. If this method is not invoked prior
     * to building, the timeout is 1 second.
     *
     * @param timeout the deadline of one call; not null, positive, at most 1 hour
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive or is over 1 hour
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "timeout: " + timeout + " (expected: > 0 and <= " + MAX_TIMEOUT + ")");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The most bytes of answer body read: a longer body (or a {@code Content-Length} above it)
     * fails the call as soon as it is seen, without reading the rest. If this method is not
     * invoked prior to building, the cap is 64 KiB (65536 bytes).
     *
     * @param maxBodyBytes the body cap in bytes; positive
     * @return this builder
     * @throws IllegalArgumentException if {@code maxBodyBytes} is not positive
     */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes <= 0) {
        throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Adds a request header sent on every call, e.g. an {@code Authorization} token; replaces an
     * earlier header of the same name (case-insensitive). The value is never shown by
     * {@code toString()} nor in error messages. If no {@code Accept} header is added, calls send
     * {@code Accept: application/json}.
     *
     * @param name the header name; not null
     * @param value the header value; not null, may be a secret
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is not an HTTP token or is a header the
     *     client sets itself ({@code Host}, {@code Connection}, {@code Content-Length},
     *     {@code Expect}, {@code Upgrade}), or if {@code value} holds CR, LF or another control
     *     character
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!isToken(name)) {
        throw new IllegalArgumentException(
            "header name: \"" + RegionAnswer.printable(name) + "\" (expected: an HTTP token)");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          throw new IllegalArgumentException(
              "header value of \"" + name + "\": contains a control character such as CR or LF"
                  + " (expected: a single-line value; the value is not shown)");
        }
      }
      try {
        HttpRequest.newBuilder(PROBE_URI).header(name, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "header name: \""
                + name
                + "\" (expected: a header the client lets callers set, not Host, Connection,"
                + " Content-Length, Expect or Upgrade)");
      }
      headers.removeIf(h -> h[0].equalsIgnoreCase(name));
      headers.add(new String[] {name, value});
      return this;
    }

    private static boolean isToken(String s) {
      return HttpSyntax.isToken(s);
    }

    /**
     * The client to send with. Its executor runs the callbacks of the returned stages; its
     * redirect policy should be {@code NEVER}, as a discovery answer is not followed elsewhere. If
     * this method is not invoked prior to building, each {@link #build()} creates a client of its
     * own: HTTP/1.1, redirects never followed, connect timeout the smaller of the
     * {@linkplain #timeout timeout} and 1 second, the JDK's default executor and proxy selector.
     *
     * @param client the client; not null
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    /**
     * Builds the resolver; the builder can be changed and used again afterwards.
     *
     * @return a new resolver
     */
    public HttpDiscoveryResolver build() {
      return new HttpDiscoveryResolver(this);
    }
  }
}
