package io.github.regionalrouter.resolve;

import io.github.regionalrouter.RegionalRouterException;
import java.util.Objects;

/**
 * An {@link HttpDiscoveryResolver} could not find out a host's region: the discovery service could
 * not be reached, answered with a status other than 2xx or 404, or sent an answer that is too
 * large, not JSON, or has no safe region name at the pointer. The message names the host and the
 * reason, e.g. {@code discovery for "a.com" failed: answered 500}; the cause, if any, is the
 * underlying I/O error. A call that took too long fails with the subtype
 * {@link DiscoveryTimeoutException}.
 *
 * <p>These failures are expected and may be frequent, so they carry no stack trace. Header values
 * sent to the discovery service (tokens) never appear in the message.
 */
public sealed class DiscoveryException extends RegionalRouterException
    permits DiscoveryTimeoutException {
  private static final long serialVersionUID = 1L;

  /** The host whose region was asked for. */
  private final String host;

  DiscoveryException(String host, String reason, Throwable cause) {
    super(
        "discovery for \"" + RegionAnswer.printable(host) + "\" failed: "
            + Objects.requireNonNull(reason, "reason"),
        cause,
        false);
    this.host = host;
  }

  /**
   * The host whose region was asked for, as given to {@link RegionResolver#resolve}.
   *
   * @return the host
   */
  public String host() {
    return host;
  }
}
