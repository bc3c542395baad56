/**
 * A strict HTTP/1.1 server engine that the standalone proxy owns byte for byte:
 * {@link io.github.regionalrouter.jdkserver.http1.Http1Server} reads and validates request heads,
 * hands each request to an {@link io.github.regionalrouter.jdkserver.http1.Http1Handler} as an
 * {@link io.github.regionalrouter.jdkserver.http1.Http1Exchange}, which is at once the
 * {@link io.github.regionalrouter.InboundRequest}, the
 * {@link io.github.regionalrouter.forward.RequestBody} and the
 * {@link io.github.regionalrouter.forward.ResponseSink} the forwarder takes.
 *
 * <p>Not API: this package is {@code RegionalProxyServer}'s implementation, not exported by the
 * module {@code io.github.regionalrouter.jdkserver}; anything here may change in any release.
 *
 * <p>Null policy: passing {@code null} to any method throws {@link NullPointerException} unless
 * the method says otherwise; {@code header(name)} returns {@code null} for a missing header, as
 * {@link io.github.regionalrouter.InboundRequest} says.
 */
package io.github.regionalrouter.jdkserver.http1;
