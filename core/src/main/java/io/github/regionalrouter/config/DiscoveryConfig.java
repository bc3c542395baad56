package io.github.regionalrouter.config;

import io.github.regionalrouter.resolve.HttpDiscoveryResolver;
import io.github.regionalrouter.resolve.RegionResolvers;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code "discovery"} object: the HTTP discovery resolver. Immutable.
 *
 * <pre>{@code
 * "discovery": {"url": "http://discovery:8080/regions?host={host}", "regionPointer": "/region",
 *               "timeout": "1s", "maxBodyBytes": 65536, "headers": {"Authorization": "Bearer x"},
 *               "cache": {...} | false}
 * }</pre>
 *
 * <p>Only {@code url} is required. Settings not in the file are left to
 * {@link HttpDiscoveryResolver.Builder}'s defaults (region at {@code /region}, 1 s timeout, 64 KiB
 * body cap); their getters are then empty. The {@code cache} key is read into
 * {@link RouterConfig#cache()}.
 */
public final class DiscoveryConfig {
  private final String url;
  private final String regionPointer;
  private final Duration timeout;
  private final Integer maxBodyBytes;
  private final Map<String, String> headers;
  private final Origin origin;

  DiscoveryConfig(String url, String regionPointer, Duration timeout, Integer maxBodyBytes,
      Map<String, String> headers, Origin origin) {
    this.url = url;
    this.regionPointer = regionPointer;
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.origin = origin;
  }

  /**
   * A new builder of the resolver; each call returns a fresh one. Building it may fail with a
   * {@link ConfigException} if the resolver rejects the settings as a whole.
   *
   * @return a new resolver builder with this object's settings
   */
  public HttpDiscoveryResolver.Builder toResolverBuilder() {
    HttpDiscoveryResolver.Builder b = RegionResolvers.httpDiscovery(url);
    if (regionPointer != null) {
      b.regionPointer(regionPointer);
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (maxBodyBytes != null) {
      b.maxBodyBytes(maxBodyBytes);
    }
    headers.forEach(b::header);
    return b;
  }

  /** Builds the resolver; a rejection names this object's place in the file. */
  HttpDiscoveryResolver build() {
    return origin.check(() -> toResolverBuilder().build());
  }

  /**
   * {@code url}: the URI template with {@code {host}}.
   *
   * @return the URI template
   */
  public String url() {
    return url;
  }

  /**
   * {@code regionPointer}: the JSON Pointer of the region in the answer, if set.
   *
   * @return the JSON Pointer; empty if not set
   */
  public Optional<String> regionPointer() {
    return Optional.ofNullable(regionPointer);
  }

  /**
   * {@code timeout}: the deadline of one discovery call, if set.
   *
   * @return the discovery call's deadline; empty if not set
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * {@code maxBodyBytes}: the cap on the answer's body, if set.
   *
   * @return the body cap in bytes; empty if not set
   */
  public OptionalInt maxBodyBytes() {
    return maxBodyBytes == null ? OptionalInt.empty() : OptionalInt.of(maxBodyBytes);
  }

  /**
   * {@code headers}: headers sent on every call, in file order. Values may be secrets.
   *
   * @return the header names and values, unmodifiable, in file order
   */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "DiscoveryConfig[" + url + ", headers=" + headers.keySet() + "]";
  }
}
