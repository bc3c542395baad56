package io.github.regionalrouter;

import io.github.regionalrouter.internal.SimpleInboundRequest;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A read-only view of a request as the adapter received it: method, request-target and headers.
 * Adapters implement it over their own request type without copying; nothing here gives access to
 * the body.
 *
 * <p>Header names are matched case-insensitively. Values are returned as received; the router
 * validates what it uses (the Host) and never trusts the routing header the client sent.
 */
public interface InboundRequest {

  /**
   * The request method, e.g. {@code GET}.
   *
   * @return the method
   */
  String method();

  /**
   * The request-target as received: origin-form ({@code /a/b?x=1}) or absolute-form
   * ({@code http://host/a}). For absolute-form the router routes by the target's authority, as
   * RFC 9112 section 3.2.2 requires, and not by the Host header.
   *
   * @return the request-target
   */
  String target();

  /**
   * The scheme the client used to reach us: {@code http} or {@code https}.
   *
   * @return {@code http} or {@code https}
   */
  default String scheme() {
    return "http";
  }

  /**
   * The first value of the named header, or {@code null} if the request has none.
   *
   * @param name the header name, any case
   * @return the first value, or {@code null}
   */
  String header(String name);

  /**
   * Every value of the named header, in the order received; empty if there is none.
   *
   * @param name the header name, any case
   * @return the values; never null
   */
  List<String> headers(String name);

  /**
   * The names of the headers present, each once, in the case the client sent.
   *
   * @return the header names
   */
  Iterable<String> headerNames();

  /**
   * The client's address, or {@code null} when the adapter does not know it.
   *
   * @return the client's address, or {@code null}
   */
  default InetSocketAddress remoteAddress() {
    return null;
  }

  /**
   * Starts building a simple in-memory request, for tests and for gateways with their own types.
   *
   * @return a new builder
   */
  static Builder builder() {
    return new SimpleInboundRequest.Builder();
  }

  /** Builds an immutable {@link InboundRequest}. */
  interface Builder {
    /**
     * The method; {@code GET} unless set.
     *
     * @param method the method; not null
     * @return this builder
     */
    Builder method(String method);

    /**
     * The request-target; {@code /} unless set.
     *
     * @param target the request-target; not null
     * @return this builder
     */
    Builder target(String target);

    /**
     * The scheme; {@code http} unless set.
     *
     * @param scheme the scheme; not null
     * @return this builder
     */
    Builder scheme(String scheme);

    /**
     * Adds one header value (repeated calls with one name add more values).
     *
     * @param name the header name; not null
     * @param value the header value; not null
     * @return this builder
     */
    Builder header(String name, String value);

    /**
     * The client's address; unknown unless set.
     *
     * @param address the client's address; not null
     * @return this builder
     */
    Builder remoteAddress(InetSocketAddress address);

    /**
     * Builds the request. The builder may be used again.
     *
     * @return a new request
     */
    InboundRequest build();
  }
}
