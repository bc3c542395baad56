/**
 * The standalone reverse proxy on the JDK's {@code com.sun.net.httpserver}:
 * {@link io.github.regionalrouter.jdkserver.RegionalProxyServer}.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.jdkserver;
