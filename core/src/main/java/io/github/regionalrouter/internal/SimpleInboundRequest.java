package io.github.regionalrouter.internal;

import io.github.regionalrouter.InboundRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.HashMap;

/** An immutable, in-memory {@link InboundRequest}. */
public final class SimpleInboundRequest implements InboundRequest {
  private final String method;
  private final String target;
  private final String scheme;
  // lower-case keys: a lookup by a lower-case name (toLowerCase returns the same instance) hashes
  // once and allocates nothing
  private final Map<String, List<String>> headers;
  private final List<String> names; // as sent
  private final InetSocketAddress remoteAddress;

  private SimpleInboundRequest(Builder b) {
    this.method = b.method;
    this.target = b.target;
    this.scheme = b.scheme;
    Map<String, List<String>> copy = new HashMap<>();
    b.headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.headers = Collections.unmodifiableMap(copy);
    this.names = List.copyOf(b.names.values());
    this.remoteAddress = b.remoteAddress;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null ? null : values.get(0);
  }

  @Override
  public List<String> headers(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null ? List.of() : values;
  }

  @Override
  public Iterable<String> headerNames() {
    return names;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return method + " " + target + " " + headers;
  }

  /** Builder of {@link SimpleInboundRequest}. */
  public static final class Builder implements InboundRequest.Builder {
    private String method = "GET";
    private String target = "/";
    private String scheme = "http";
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private InetSocketAddress remoteAddress;

    @Override
    public Builder method(String method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    @Override
    public Builder target(String target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    @Override
    public Builder scheme(String scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    @Override
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String key = name.toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      names.putIfAbsent(key, name);
      return this;
    }

    @Override
    public Builder remoteAddress(InetSocketAddress address) {
      this.remoteAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    @Override
    public SimpleInboundRequest build() {
      return new SimpleInboundRequest(this);
    }
  }
}
