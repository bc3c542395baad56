/**
 * The standalone reverse proxy, {@link io.github.regionalrouter.jdkserver.RegionalProxyServer}: on
 * the project's strict HTTP/1.1 engine (its implementation, {@code jdkserver.http1}, is not API) by
 * default, or on the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.jdkserver;
