package io.github.regionalrouter.internal;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.InboundRequest;
import io.github.regionalrouter.RoutingException;
import java.util.List;

/**
 * Finds, validates and normalizes the host a request is for. The result is lower case, without
 * port and without trailing dot; only letters, digits, {@code - . _} in dot-separated non-empty
 * labels, or an IP literal ({@code [v6]} keeps its brackets). Anything else is an
 * {@code invalid_request}, before any discovery call.
 */
public final class Hosts {
  /** The longest authority accepted, port included. */
  public static final int MAX_AUTHORITY_LENGTH = 255;

  private Hosts() {}

  /**
   * The normalized host of {@code request}: from the authority of an absolute-form target
   * (RFC 9112 section 3.2.2), else from the single Host header.
   *
   * @throws RoutingException {@code invalid_request} when there is no Host, more than one, or it is
   *     not a valid host
   */
  public static String hostOf(InboundRequest request) {
    String target = request.target();
    String authority;
    if (!target.isEmpty() && target.charAt(0) != '/' && isAbsoluteForm(target)) {
      authority = authorityOfAbsolute(target);
    } else {
      List<String> hosts = request.headers("host"); // lower case: free for most lookups
      if (hosts.isEmpty()) {
        throw invalid("missing Host header");
      }
      if (hosts.size() > 1) {
        throw invalid("more than one Host header");
      }
      authority = hosts.get(0);
    }
    String host = normalize(authority);
    if (host == null) {
      throw invalid("invalid Host");
    }
    return host;
  }

  private static boolean isAbsoluteForm(String target) {
    return target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8);
  }

  private static String authorityOfAbsolute(String target) {
    int start = target.indexOf("//") + 2;
    int end = start;
    while (end < target.length()) {
      char c = target.charAt(end);
      if (c == '/' || c == '?' || c == '#') {
        break;
      }
      end++;
    }
    return target.substring(start, end);
  }

  private static RoutingException invalid(String why) {
    return new RoutingException(FailureReason.INVALID_REQUEST, why);
  }

  /**
   * Normalizes {@code authority} ({@code host[:port]}), or returns {@code null} if it is not a
   * valid host. Returns the same instance when it is already normal (no allocation).
   */
  public static String normalize(String authority) {
    int len = authority.length();
    if (len == 0 || len > MAX_AUTHORITY_LENGTH) {
      return null;
    }
    if (authority.charAt(0) == '[') {
      return normalizeIpv6(authority);
    }
    int hostEnd = len;
    boolean needsCopy = false;
    char prev = '.';
    for (int i = 0; i < len; i++) {
      char c = authority.charAt(i);
      if (c == ':') {
        if (!validPort(authority, i + 1)) {
          return null;
        }
        hostEnd = i;
        needsCopy = true;
        break;
      }
      if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
        // ok
      } else if (c >= 'A' && c <= 'Z') {
        needsCopy = true;
      } else if (c == '.') {
        if (prev == '.') {
          return null; // empty label, or leading dot
        }
      } else {
        return null;
      }
      prev = c;
    }
    if (hostEnd == 0) {
      return null;
    }
    if (authority.charAt(hostEnd - 1) == '.') {
      hostEnd--; // one trailing dot: the absolute form of the same name
      needsCopy = true;
      if (hostEnd == 0) {
        return null;
      }
    }
    if (!needsCopy) {
      return authority;
    }
    return lower(authority, hostEnd);
  }

  private static String lower(String s, int end) {
    char[] out = new char[end];
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      out[i] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return new String(out);
  }

  private static boolean validPort(String s, int from) {
    int digits = s.length() - from;
    if (digits < 1 || digits > 5) {
      return false;
    }
    int port = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port >= 1 && port <= 65535;
  }

  private static String normalizeIpv6(String authority) {
    int close = authority.indexOf(']');
    if (close < 3) {
      return null;
    }
    for (int i = 1; i < close; i++) {
      char c = authority.charAt(i);
      boolean ok =
          c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':'
              || c == '.';
      if (!ok) {
        return null;
      }
    }
    if (close != authority.length() - 1) {
      if (authority.charAt(close + 1) != ':' || !validPort(authority, close + 2)) {
        return null;
      }
    }
    return lower(authority, close + 1);
  }
}
