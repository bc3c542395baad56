/**
 * The standalone reverse proxy, {@link io.github.regionalrouter.jdkserver.RegionalProxyServer}: on
 * the strict HTTP/1.1 engine of {@link io.github.regionalrouter.jdkserver.http1} by default, or on
 * the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.jdkserver;
