package io.github.regionalrouter.internal.upstream;

/** HTTP/1.1 limits of the upstream client (the grammar is {@code internal.http.HttpSyntax}). */
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

}
