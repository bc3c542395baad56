package io.github.regionalrouter.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One upstream server of a {@link Cluster}: a scheme, host and port, e.g.
 * {@code https://10.0.0.1:443}. An immutable value, equal to any endpoint with the same URI; the
 * live counters a router keeps for it (requests in flight, failures, ejection) are read through
 * {@link ClusterState}.
 */
public final class Endpoint {
  private final String scheme;
  private final String host;
  private final int port;
  private final URI uri;
  private final String authority;

  private Endpoint(String scheme, String host, int port) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    this.authority = h + ":" + port;
    this.uri = URI.create(scheme + "://" + authority);
  }

  /**
   * Parses {@code http://host:port} or {@code https://host:port} (the port defaults to 80 or 443;
   * a trailing {@code /} is allowed; no path, query, fragment or user info).
   *
   * @param uri the endpoint's URI; scheme and host are case-insensitive
   * @return the endpoint, with scheme and host in lower case
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException naming the value and the expected form, if {@code uri} is
   *     not of that form or its port is not 1-65535
   */
  public static Endpoint parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      throw invalid(uri);
    }
    String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
    if (!("http".equals(scheme) || "https".equals(scheme))
        || u.getHost() == null
        || u.getRawUserInfo() != null
        || u.getRawQuery() != null
        || u.getRawFragment() != null
        || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
      throw invalid(uri);
    }
    int port = u.getPort() == -1 ? ("https".equals(scheme) ? 443 : 80) : u.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint port: " + port + " (expected: 1-65535)");
    }
    String host = u.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Endpoint(scheme, host, port);
  }

  private static IllegalArgumentException invalid(String uri) {
    return new IllegalArgumentException(
        "endpoint: \"" + uri + "\" (expected: http://host:port or https://host:port)");
  }

  /**
   * The scheme.
   *
   * @return {@code http} or {@code https}, lower case
   */
  public String scheme() {
    return scheme;
  }

  /**
   * Whether requests to this endpoint use TLS.
   *
   * @return {@code true} if the scheme is {@code https}
   */
  public boolean isSecure() {
    return "https".equals(scheme);
  }

  /**
   * The host name or IP literal (without brackets), lower case.
   *
   * @return the host; never null or empty
   */
  public String host() {
    return host;
  }

  /**
   * The port.
   *
   * @return 1-65535; 80 or 443 if the URI gave none
   */
  public int port() {
    return port;
  }

  /**
   * {@code host:port} (IPv6 literals in brackets).
   *
   * @return the authority, always with the port
   */
  public String authority() {
    return authority;
  }

  /**
   * {@code scheme://host:port}, with no path.
   *
   * @return the normalized URI, always with the port
   */
  public URI uri() {
    return uri;
  }

  /**
   * Whether the host is an IP literal rather than a name.
   *
   * @return {@code true} if the host contains a {@code :} (IPv6) or only digits and dots (IPv4)
   */
  public boolean isIpLiteral() {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(c == '.' || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoint && uri.equals(((Endpoint) o).uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  @Override
  public String toString() {
    return scheme + "://" + authority;
  }
}
