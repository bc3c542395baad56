package io.github.regionalrouter.resolve;

import io.github.regionalrouter.InboundRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Asks an HTTP discovery service for a host's region: {@code GET} on a URI template with the
 * percent-encoded host, the region picked from the JSON answer by a JSON Pointer.
 *
 * <p>TODO(helper A): implementation.
 */
public final class HttpDiscoveryResolver implements RegionResolver {

  private HttpDiscoveryResolver(Builder b) {
    throw new UnsupportedOperationException("not yet");
  }

  static Builder builder(String uriTemplate) {
    return new Builder(uriTemplate);
  }

  @Override
  public CompletionStage<RegionAnswer> resolve(String host, InboundRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Builds an {@link HttpDiscoveryResolver}. Not thread-safe; {@link #build()} may be called again. */
  public static final class Builder {
    final String uriTemplate;
    String regionPointer = "/region";
    Duration timeout = Duration.ofSeconds(1);
    int maxBodyBytes = 64 * 1024;
    final Map<String, String> headers = new LinkedHashMap<>();
    HttpClient client;

    Builder(String uriTemplate) {
      this.uriTemplate = Objects.requireNonNull(uriTemplate, "uriTemplate");
    }

    /** The JSON Pointer (RFC 6901) of the region in the answer; {@code /region} unless set. */
    public Builder regionPointer(String pointer) {
      this.regionPointer = pointer;
      return this;
    }

    /** How long one discovery call may take, first byte to last; 1 second unless set. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** The most bytes of answer body read before failing; 64 KiB unless set. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Adds a request header sent on every call, e.g. an {@code Authorization} token. */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** The client to send with; one of our own (HTTP/1.1, 1 s connect timeout) unless set. */
    public Builder httpClient(HttpClient client) {
      this.client = client;
      return this;
    }

    /** Builds the resolver. */
    public HttpDiscoveryResolver build() {
      return new HttpDiscoveryResolver(this);
    }
  }
}
