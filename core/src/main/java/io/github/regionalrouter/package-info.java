/**
 * The router: {@link io.github.regionalrouter.RegionalRouter} decides, for each
 * {@link io.github.regionalrouter.InboundRequest}, which region serves the request's host and which
 * upstream cluster and endpoint the request goes to.
 *
 * <h2>Null policy</h2>
 * Unless a method says otherwise, passing {@code null} to any method or constructor of this package
 * or its sub-packages throws {@link java.lang.NullPointerException}, and no method returns
 * {@code null}.
 *
 * <h2>Threads</h2>
 * Built objects are immutable and thread-safe. Asynchronous methods never throw for I/O or routing
 * failures: their {@link java.util.concurrent.CompletionStage} completes exceptionally with a
 * {@link io.github.regionalrouter.RoutingException}. Callbacks run on the thread that completes the
 * stage: the caller's thread for a cache hit, otherwise a thread of the discovery
 * {@link java.net.http.HttpClient}'s executor. Do not block in them.
 *
 * <p>Everything under {@code io.github.regionalrouter.internal} is implementation and may change in
 * any release.
 */
package io.github.regionalrouter;
