package io.github.regionalrouter.internal.json;

/**
 * The document has no string at the pointer, or is not one well-formed JSON value within the
 * parser's limits. The message is the reason, fit for an error message; there is no stack trace.
 */
public final class JsonExtractionException extends Exception {
  private static final long serialVersionUID = 1L;

  JsonExtractionException(String reason) {
    super(reason, null, false, false);
  }
}
