package io.github.regionalrouter.jdkserver.http1;

/**
 * A request the server refuses before the handler sees it: the status and the short reason sent
 * back, after which the connection is closed. Cheap: no stack trace, thrown on hostile input.
 */
final class RejectedRequestException extends Exception {
  private static final long serialVersionUID = 1L;
  final int status;

  RejectedRequestException(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }
}
