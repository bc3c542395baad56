package io.github.regionalrouter;

/**
 * Base type of every unchecked exception this library throws or completes a future with.
 */
public class RegionalRouterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message the detail message
   */
  public RegionalRouterException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message the detail message
   * @param cause the underlying failure; may be null
   */
  public RegionalRouterException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip its stack trace: frequent, expected failures (timeouts,
   * refused connections) are cheap to make.
   *
   * @param message the detail message
   * @param cause the underlying failure; may be null
   * @param writableStackTrace false to skip filling in the stack trace
   */
  protected RegionalRouterException(String message, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
  }
}
