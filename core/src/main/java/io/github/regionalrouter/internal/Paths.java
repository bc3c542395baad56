package io.github.regionalrouter.internal;

import io.github.regionalrouter.FailureReason;
import io.github.regionalrouter.RoutingException;

/**
 * The form of a request path that route rules match: what the path means, not how it was spelt.
 * The path sent upstream is never changed; this form is for matching only.
 *
 * <p>Made like this, so that no spelling of a path reaches a prefix rule it does not belong to
 * (the safe choices of Envoy's path normalization options for prefix rules):
 *
 * <ul>
 *   <li>percent-encodings of unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded,
 *       any case ({@code %2e}, {@code %2E}); other percent-encodings are kept, hex upper-cased;
 *   <li>{@code ;} parameters are cut from each segment, as Tomcat and Jetty do before they map a
 *       path, so {@code /admin;x} is {@code /admin} and {@code ..;x} is {@code ..};
 *   <li>empty segments are merged ({@code //} is {@code /}, Envoy's {@code merge_slashes});
 *   <li>dot segments are removed (RFC 3986 section 5.2.4).
 * </ul>
 *
 * A path is refused ({@code invalid_request}, 400) when it climbs above {@code /}, when it holds
 * a backslash or an encoded slash or backslash ({@code %2F}, {@code %5C}: upstreams disagree on
 * whether they separate segments, so no rule could be sure what it matched; Envoy's
 * {@code REJECT_REQUEST}), or a malformed percent-encoding.
 */
public final class Paths {
  private Paths() {}

  /**
   * The matching form of {@code path} (a path without query or fragment); {@code path} itself
   * when it is already in that form.
   *
   * @throws RoutingException {@code invalid_request} when the path is refused (see the class)
   */
  public static String normalize(String path) {
    if (isPlain(path)) {
      return path;
    }
    StringBuilder decoded = decode(path);
    return removeDotSegments(decoded);
  }

  /** Whether {@code path} is already in matching form: no {@code % ; \ .} and no {@code //}. */
  private static boolean isPlain(String path) {
    char previous = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' || c == ';' || c == '\\' || c == '.' || (c == '/' && previous == '/')) {
        return false;
      }
      previous = c;
    }
    return !path.isEmpty() && path.charAt(0) == '/';
  }

  /** Decodes unreserved percent-encodings and cuts {@code ;} parameters from segments. */
  private static StringBuilder decode(String path) {
    StringBuilder out = new StringBuilder(path.length());
    boolean inParameters = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        throw invalid("a backslash in the path");
      }
      if (c == '/') {
        inParameters = false;
        out.append(c);
        continue;
      }
      if (c == '%') {
        int hi = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(path.charAt(i + 2), 16);
        if (lo < 0) {
          throw invalid("a malformed percent-encoding in the path");
        }
        char d = (char) (hi * 16 + lo);
        if (d == '/' || d == '\\') {
          throw invalid("an encoded slash or backslash (%2F, %5C) in the path");
        }
        i += 2;
        if (inParameters) {
          continue;
        }
        if (isUnreserved(d)) {
          out.append(d);
        } else {
          out.append('%').append(Character.toUpperCase(path.charAt(i - 1)))
              .append(Character.toUpperCase(path.charAt(i)));
        }
        continue;
      }
      if (c == ';') {
        inParameters = true;
      }
      if (!inParameters) {
        out.append(c);
      }
    }
    return out;
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** RFC 3986 section 5.2.4 over segments, with empty segments merged. */
  private static String removeDotSegments(CharSequence in) {
    if (in.length() == 0 || in.charAt(0) != '/') {
      throw invalid("a path that does not start with /");
    }
    StringBuilder out = new StringBuilder(in.length());
    int i = 1;
    boolean endsInDirectory = false;
    while (i <= in.length()) {
      int end = i;
      while (end < in.length() && in.charAt(end) != '/') {
        end++;
      }
      int length = end - i;
      boolean last = end >= in.length();
      if (length == 0) {
        endsInDirectory |= last; // a trailing slash stays; other empty segments merge
      } else if (length == 1 && in.charAt(i) == '.') {
        endsInDirectory = true;
      } else if (length == 2 && in.charAt(i) == '.' && in.charAt(i + 1) == '.') {
        int cut = out.lastIndexOf("/");
        if (cut < 0) {
          throw invalid("a path that climbs above / with ..");
        }
        out.setLength(cut);
        endsInDirectory = true;
      } else {
        out.append('/').append(in, i, end);
        endsInDirectory = false;
      }
      i = end + 1;
    }
    if (out.length() == 0 || endsInDirectory) {
      out.append('/');
    }
    return out.toString();
  }

  private static RoutingException invalid(String why) {
    return new RoutingException(FailureReason.INVALID_REQUEST, "invalid path: " + why);
  }
}
