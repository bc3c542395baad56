package io.github.regionalrouter.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@code http} or {@code https} URI with exactly one {@code {host}} placeholder in its path or
 * query. {@link #expand(String)} replaces the placeholder by the percent-encoded host: every
 * byte of the host's UTF-8 form except the unreserved characters {@code A-Z a-z 0-9 - . _ ~}
 * becomes {@code %XX}, so a host can never add a path segment, a query parameter or a fragment.
 *
 * <p>Immutable and thread-safe.
 */
public final class UriTemplate {
  /** The placeholder. */
  public static final String HOST = "{host}";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String template;
  private final String prefix;
  private final String suffix;

  private UriTemplate(String template, String prefix, String suffix) {
    this.template = template;
    this.prefix = prefix;
    this.suffix = suffix;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException naming {@code uriTemplate} and what was expected, if the
   *     template is not an absolute http or https URI with a host, without user info or fragment,
   *     with exactly one {@code {host}} in its path or query
   */
  public static UriTemplate parse(String template) {
    Objects.requireNonNull(template, "uriTemplate");
    int at = template.indexOf(HOST);
    if (at < 0 || template.indexOf(HOST, at + 1) >= 0) {
      throw invalid(template, "an http or https URI containing {host} exactly once");
    }
    String prefix = template.substring(0, at);
    String suffix = template.substring(at + HOST.length());
    URI probe;
    try {
      // any unreserved stand-in works: it only has to parse like an encoded host would
      probe = new URI(prefix + "h" + suffix);
    } catch (URISyntaxException e) {
      throw invalid(template, "an http or https URI containing {host}");
    }
    String scheme = probe.getScheme() == null ? "" : probe.getScheme().toLowerCase(Locale.ROOT);
    boolean http = scheme.equals("http") || scheme.equals("https");
    if (!probe.isAbsolute() || probe.isOpaque() || !http || probe.getHost() == null) {
      throw invalid(template, "an http or https URI containing {host}");
    }
    if (probe.getRawUserInfo() != null) {
      throw invalid(template, "no user info in the URI; send credentials in a header");
    }
    if (probe.getRawFragment() != null) {
      throw invalid(template, "no fragment in the URI");
    }
    // the placeholder must not be part of the scheme or authority: a host must not pick the server
    int authorityEnd = authorityEnd(template);
    if (authorityEnd < 0 || at < authorityEnd) {
      throw invalid(template, "{host} in the path or query, not in the server address");
    }
    return new UriTemplate(template, prefix, suffix);
  }

  /** The index where the authority ends ({@code /} or {@code ?} after {@code ://}), or -1. */
  private static int authorityEnd(String template) {
    int start = template.indexOf("://");
    if (start < 0) {
      return -1;
    }
    for (int i = start + 3; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  private static IllegalArgumentException invalid(String template, String expected) {
    return new IllegalArgumentException(
        "uriTemplate: \"" + template + "\" (expected: " + expected + ")");
  }

  /** The URI for {@code host}, percent-encoded into the placeholder. */
  public URI expand(String host) {
    String encoded = percentEncode(host);
    return URI.create(
        new StringBuilder(prefix.length() + encoded.length() + suffix.length())
            .append(prefix)
            .append(encoded)
            .append(suffix)
            .toString());
  }

  /**
   * Percent-encodes every UTF-8 byte of {@code s} except the unreserved characters of RFC 3986
   * ({@code A-Z a-z 0-9 - . _ ~}). An unpaired surrogate is encoded as {@code ?} would be
   * ({@code %3F}).
   */
  public static String percentEncode(String s) {
    int i = 0;
    while (i < s.length() && isUnreserved(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s; // the common case: a plain DNS name needs no copy
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length * 3);
    for (byte value : bytes) {
      char c = (char) (value & 0xff);
      if (isUnreserved(c)) {
        b.append(c);
      } else {
        b.append('%').append(HEX[(value >> 4) & 0xf]).append(HEX[value & 0xf]);
      }
    }
    return b.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** The template as given. */
  @Override
  public String toString() {
    return template;
  }
}
