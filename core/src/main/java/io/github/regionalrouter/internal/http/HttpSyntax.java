package io.github.regionalrouter.internal.http;

/**
 * The HTTP/1.1 grammar (RFC 9110, RFC 9112) the server parser, the upstream client and the header
 * rules share: tokens, and chunk extensions as a byte-at-a-time state machine so that a parser
 * fed a few bytes at a time checks them without looking back.
 */
public final class HttpSyntax {
  private static final boolean[] TCHAR = alphanumericAnd("!#$%&'*+-.^_`|~");

  /** The chunk-extension state after the chunk size and before any {@code ;} (BWS allowed). */
  public static final int EXT_START = 0;
  /** The chunk-extension state no byte leads out of: the extension is malformed. */
  public static final int EXT_INVALID = -1;
  private static final int EXT_BEFORE_NAME = 1;
  private static final int EXT_NAME = 2;
  private static final int EXT_AFTER_NAME = 3;
  private static final int EXT_BEFORE_VALUE = 4;
  private static final int EXT_TOKEN_VALUE = 5;
  private static final int EXT_QUOTED = 6;
  private static final int EXT_QUOTED_PAIR = 7;
  private static final int EXT_AFTER_VALUE = 8;
  private static final int EXT_CLOSED = 9;

  private HttpSyntax() {
  }

  /** A table indexed by byte value: true for ASCII letters, digits and the characters of {@code others}. */
  public static boolean[] alphanumericAnd(String others) {
    boolean[] t = new boolean[256];
    for (int c = '0'; c <= '9'; c++) {
      t[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      t[c] = true;
      t[c - 32] = true;
    }
    for (int i = 0; i < others.length(); i++) {
      t[others.charAt(i)] = true;
    }
    return t;
  }

  /** True if {@code c} is a tchar (RFC 9110 5.6.2). */
  public static boolean isTchar(int c) {
    return TCHAR[c & 0xff];
  }

  /** True if {@code s} is a non-empty token (RFC 9110 5.6.2). */
  public static boolean isToken(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0xff || !TCHAR[c]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The chunk-extension state after byte {@code c} (RFC 9112 7.1.1:
   * {@code *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )}), starting from
   * {@link #EXT_START}; {@link #EXT_INVALID} once the bytes cannot be an extension.
   */
  public static int chunkExtNext(int state, int c) {
    c &= 0xff;
    boolean ws = c == ' ' || c == '\t';
    switch (state) {
      case EXT_START:
      case EXT_AFTER_VALUE:
        return ws ? state : c == ';' ? EXT_BEFORE_NAME : EXT_INVALID;
      case EXT_BEFORE_NAME:
        return ws ? state : TCHAR[c] ? EXT_NAME : EXT_INVALID;
      case EXT_NAME:
        return TCHAR[c] ? state : nameEnd(ws, c);
      case EXT_AFTER_NAME:
        return ws ? state : nameEnd(false, c);
      case EXT_BEFORE_VALUE:
        return ws ? state : c == '"' ? EXT_QUOTED : TCHAR[c] ? EXT_TOKEN_VALUE : EXT_INVALID;
      case EXT_TOKEN_VALUE:
        return TCHAR[c] ? state : ws ? EXT_AFTER_VALUE : c == ';' ? EXT_BEFORE_NAME : EXT_INVALID;
      case EXT_QUOTED:
        // qdtext: HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
        return c == '"' ? EXT_CLOSED : c == '\\' ? EXT_QUOTED_PAIR
            : ws || c >= 0x21 && c != 0x7f ? state : EXT_INVALID;
      case EXT_CLOSED:
        return ws ? EXT_AFTER_VALUE : c == ';' ? EXT_BEFORE_NAME : EXT_INVALID;
      case EXT_QUOTED_PAIR:
        return ws || c >= 0x21 && c != 0x7f ? EXT_QUOTED : EXT_INVALID;
      default:
        return EXT_INVALID;
    }
  }

  private static int nameEnd(boolean ws, int c) {
    return ws ? EXT_AFTER_NAME : c == '=' ? EXT_BEFORE_VALUE : c == ';' ? EXT_BEFORE_NAME : EXT_INVALID;
  }

  /** True if a chunk-size line may end (CRLF) in {@code state}. */
  public static boolean chunkExtComplete(int state) {
    return state == EXT_NAME || state == EXT_TOKEN_VALUE || state == EXT_CLOSED;
  }
  /**
   * A {@code Content-Length} value (RFC 9112 6.2: {@code 1*DIGIT}, here at most 18 digits so it
   * always fits a long), or -1 if the value is not one; a list ({@code 5, 5}) is not.
   */
  public static long parseContentLength(CharSequence v) {
    int n = v.length();
    if (n == 0 || n > 18) {
      return -1;
    }
    long x = 0;
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      x = x * 10 + (c - '0');
    }
    return x;
  }

  /**
   * Whether the comma-separated list {@code value} (RFC 9110 5.6.1, as in {@code Connection})
   * has an element equal to {@code token}, ignoring case and optional whitespace.
   */
  public static boolean listHas(String value, String token) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      int comma = value.indexOf(',', i);
      int e = comma < 0 ? n : comma;
      int s = i;
      while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
        s++;
      }
      int t = e;
      while (t > s && (value.charAt(t - 1) == ' ' || value.charAt(t - 1) == '\t')) {
        t--;
      }
      if (t - s == token.length() && value.regionMatches(true, s, token, 0, token.length())) {
        return true;
      }
      i = e + 1;
    }
    return false;
  }

  /**
   * Adds the elements of the comma-separated list {@code value} (RFC 9110 5.6.1), trimmed of
   * optional whitespace and in lower case, to {@code into}; empty elements are skipped.
   */
  public static void addListElements(String value, java.util.Collection<String> into) {
    for (String element : value.split(",")) {
      String t = element.trim();
      if (!t.isEmpty()) {
        into.add(t.toLowerCase(java.util.Locale.ROOT));
      }
    }
  }
}
