package io.github.regionalrouter.internal.upstream;

/** HTTP/1.1 character classes and limits. */
final class Http1 {
  private Http1() {}

  /** The largest response head accepted (status line and headers). */
  static final int MAX_HEAD = 64 * 1024;
  /** The most header fields in one response head. */
  static final int MAX_HEADERS = 200;
  /** The longest chunk-size line, extensions included. */
  static final int MAX_CHUNK_LINE = 4096;
  /** The most trailer bytes accepted (and discarded). */
  static final int MAX_TRAILERS = 64 * 1024;

  /** RFC 9110 tchar, indexed by ASCII code. */
  static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }
}
