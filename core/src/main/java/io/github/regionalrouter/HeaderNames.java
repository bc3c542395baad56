package io.github.regionalrouter;

import io.github.regionalrouter.internal.http.HttpSyntax;

/** Checks of header names and values (RFC 9110 section 5). */
final class HeaderNames {
  private HeaderNames() {}

  /** Whether {@code s} is a token: the characters a header name may have. */
  static boolean isToken(String s) {
    return HttpSyntax.isToken(s);
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
