package io.github.regionalrouter;

import java.util.Objects;

/**
 * A request could not be routed or forwarded. Carries the {@linkplain #reason() reason}, the HTTP
 * {@linkplain #status() status} the adapter answers with, and a short human-readable
 * {@linkplain #getMessage() message} that is safe to send to the client (it never contains secrets
 * or stack traces).
 *
 * <p>These exceptions are frequent and expected (a dead upstream produces one per request), so
 * they carry no stack trace.
 */
public final class RoutingException extends RegionalRouterException {
  private static final long serialVersionUID = 1L;

  /** Why routing failed. */
  private final FailureReason reason;
  /** The HTTP status to answer the client with, 400-599. */
  private final int status;

  /**
   * Creates an exception answered with the reason's default status.
   *
   * @param reason why routing failed; not null
   * @param message a short message safe to send to the client; not null
   */
  public RoutingException(FailureReason reason, String message) {
    this(reason, reason.defaultStatus(), message, null);
  }

  /**
   * Creates an exception answered with the reason's default status, keeping the cause.
   *
   * @param reason why routing failed; not null
   * @param message a short message safe to send to the client; not null
   * @param cause the underlying failure; may be null
   */
  public RoutingException(FailureReason reason, String message, Throwable cause) {
    this(reason, reason.defaultStatus(), message, cause);
  }

  /**
   * Creates an exception answered with {@code status}.
   *
   * @param reason why routing failed; not null
   * @param status the HTTP status to answer with, 400-599
   * @param message a short message safe to send to the client; not null
   * @param cause the underlying failure; may be null
   * @throws IllegalArgumentException if {@code status} is outside 400-599
   */
  public RoutingException(FailureReason reason, int status, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
    }
    this.status = status;
  }

  /**
   * Why routing failed.
   *
   * @return the reason; never null
   */
  public FailureReason reason() {
    return reason;
  }

  /**
   * The HTTP status to answer the client with.
   *
   * @return the HTTP status, 400-599
   */
  public int status() {
    return status;
  }
}
