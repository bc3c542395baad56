package io.github.regionalrouter.config;

import io.github.regionalrouter.RegionalRouterException;

/**
 * A config file that cannot be used. The message alone is enough to fix the file, in the form
 * {@code config.json:7:15: clusters[1].connectTimeout: "5 sec" (expected: a duration like 250ms, 5s
 * or 5m)}: file, line, column, field path, the value found and what was expected.
 */
public final class ConfigException extends RegionalRouterException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
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

  /** The file name as given to {@link RouterConfig#load}, or the source name given to parse. */
  public String file() {
    return file;
  }

  /** The 1-based line of the offending value or key; 0 when the error has no position. */
  public int line() {
    return line;
  }

  /** The 1-based column of the offending value or key; 0 when the error has no position. */
  public int column() {
    return column;
  }

  /**
   * The path of the offending field, e.g. {@code clusters[1].connectTimeout}; empty for the file
   * itself (empty file, malformed JSON at the top level).
   */
  public String field() {
    return field;
  }
}
