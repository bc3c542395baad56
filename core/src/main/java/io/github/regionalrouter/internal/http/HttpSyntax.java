package io.github.regionalrouter.internal.http;

/**
 * The HTTP/1.1 grammar (RFC 9110, RFC 9112) the server parser, the upstream client and the header
 * rules share: tokens, and chunk extensions as a byte-at-a-time state machine so that a parser
 * fed a few bytes at a time checks them without looking back.
 */
public final class HttpSyntax {
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

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
}
