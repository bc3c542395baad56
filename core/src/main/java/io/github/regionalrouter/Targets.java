package io.github.regionalrouter;

/** Splits request-targets. */
final class Targets {
  private Targets() {}

  /** The path of an origin-form or absolute-form target, without query or fragment. */
  static String path(String target) {
    int start = 0;
    if (!target.isEmpty() && target.charAt(0) != '/') {
      int scheme = target.indexOf("://");
      if (scheme < 0) {
        return "/";
      }
      start = target.indexOf('/', scheme + 3);
      if (start < 0) {
        return "/";
      }
    }
    int end = target.length();
    for (int i = start; i < end; i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    if (start == 0 && end == target.length()) {
      return target.isEmpty() ? "/" : target;
    }
    return start == end ? "/" : target.substring(start, end);
  }
}
