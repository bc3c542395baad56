package io.github.regionalrouter;

/** Checks of header names and values (RFC 9110 section 5). */
final class HeaderNames {
  private HeaderNames() {}

  /** Whether {@code s} is a token: the characters a header name may have. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} has no CR, LF, NUL or other control byte but tab. */
  static boolean isSafeValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
