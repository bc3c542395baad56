package io.github.regionalrouter.route;

import io.github.regionalrouter.InboundRequest;

/**
 * What a {@link RouteSelector} sees of a request: its normalized host, path, the resolved region,
 * and its headers as they will be forwarded (the client's routing header replaced by ours).
 */
public interface RouteContext {

  /**
   * The validated, normalized host (lower case, no port, no trailing dot).
   *
   * @return the host
   */
  String host();

  /**
   * The path of the request-target, without the query, in the form route rules match; {@code /}
   * at least. Percent-encodings of unreserved characters are decoded (any case), other
   * percent-encodings kept with upper-case hex; {@code ;} parameters are cut from each segment;
   * {@code //} is merged into {@code /}; dot segments are removed (RFC 3986 section 5.2.4). So
   * {@code /public/%2e%2E/admin;x} is {@code /admin}. A request whose path climbs above {@code /},
   * holds a backslash, an encoded slash or backslash ({@code %2F}, {@code %5C}) or a malformed
   * percent-encoding never gets here: the router answers it {@code invalid_request} (400). The
   * path sent upstream is the one received.
   *
   * @return the normalized path; starts with {@code /}
   */
  String path();

  /**
   * Whether {@link #path()} starts with {@code prefix}; implementations may answer without
   * allocating.
   *
   * @param prefix the prefix, compared case-sensitively
   * @return true if the normalized path starts with {@code prefix}
   */
  default boolean pathStartsWith(String prefix) {
    return path().startsWith(prefix);
  }

  /**
   * The resolved region, or {@code null} when unknown and there is no fallback.
   *
   * @return the region, or {@code null}
   */
  String region();

  /**
   * The request as received.
   *
   * @return the request
   */
  InboundRequest request();

  /**
   * The first value of a header as it will be forwarded: the routing header is the resolved region
   * (or absent), whatever the client sent; other headers are the client's. {@code null} if absent.
   *
   * @param name the header name, any case
   * @return the first value, or {@code null}
   */
  String header(String name);
}
