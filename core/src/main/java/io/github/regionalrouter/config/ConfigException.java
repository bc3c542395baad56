package io.github.regionalrouter.config;

import io.github.regionalrouter.RegionalRouterException;

/**
 * A config file that cannot be used. The message alone is enough to fix the file, in the form
 * {@code config.json:7:15: clusters[1].connectTimeout: "5 sec" (expected: a duration like 250ms, 5s
 * or 5m)}: file, line, column, field path, the value found and what was expected.
 */
public final class ConfigException extends RegionalRouterException {
  private static final long serialVersionUID = 1L;

  /** The file name as given to {@link RouterConfig#load}, or the source name given to parse. */
  private final String file;
  /** The 1-based line of the offending value or key; 0 when the error has no position. */
  private final int line;
  /** The 1-based column of the offending value or key; 0 when the error has no position. */
  private final int column;
  /** The path of the offending field; empty for the file itself. */
  private final String field;

  ConfigException(String file, int line, int column, String field, String detail, Throwable cause) {
    super(format(file, line, column, field, detail), cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.field = field;
  }

  ConfigException(String file, int line, int column, String field, String detail) {
    this(file, line, column, field, detail, null);
  }

  private static String format(String file, int line, int column, String field, String detail) {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line).append(':').append(column);
    }
    sb.append(": ");
    if (!field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(detail).toString();
  }

  /**
   * The file name as given to {@link RouterConfig#load}, or the source name given to parse.
   *
   * @return the file or source name
   */
  public String file() {
    return file;
  }

  /**
   * The 1-based line of the offending value or key; 0 when the error has no position.
   *
   * @return the line number, or 0
   */
  public int line() {
    return line;
  }

  /**
   * The 1-based column of the offending value or key; 0 when the error has no position.
   *
   * @return the column number, or 0
   */
  public int column() {
    return column;
  }

  /**
   * The path of the offending field, e.g. {@code clusters[1].connectTimeout}; empty for the file
   * itself (empty file, malformed JSON at the top level).
   *
   * @return the field path, or an empty string
   */
  public String field() {
    return field;
  }
}
