/**
 * The forwarder's "fast lane": a small non-blocking HTTP/1.1 client for plain-TCP requests
 * (request bodies are read on the caller's executor and written by the selector), used instead of {@link java.net.http.HttpClient} for the common case. Internal:
 * anything here may change or disappear in any release. Do not import it.
 *
 * <p>One selector thread (a {@link io.github.regionalrouter.internal.loop.SelectorLoop}) per {@link io.github.regionalrouter.internal.upstream.UpstreamClient}
 * does every connect, read and timeout; callers may write a request head directly on their own
 * thread when a pooled connection is free. Null is not allowed anywhere.
 */
package io.github.regionalrouter.internal.upstream;
