/**
 * The Jakarta Servlet 6 adapter: {@link io.github.regionalrouter.servlet.RegionRoutingFilter}
 * resolves each request's region for a gateway that forwards requests itself;
 * {@link io.github.regionalrouter.servlet.RegionalProxyServlet} is a complete async reverse proxy.
 *
 * <p>The null policy and thread rules of {@link io.github.regionalrouter} apply here too. Nothing
 * in this package holds a container thread while a region is resolved.
 */
package io.github.regionalrouter.servlet;
