package io.github.regionalrouter;

import java.util.Map;

/** The parts of a router's configuration that every decision refers to. Immutable. */
final class RouterSettings {
  final String routingHeader;
  final Map<String, String> responseHeaders;

  RouterSettings(String routingHeader, Map<String, String> responseHeaders) {
    this.routingHeader = routingHeader;
    this.responseHeaders = responseHeaders;
  }
}
