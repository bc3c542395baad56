package io.github.regionalrouter.route;

import io.github.regionalrouter.RoutingException;
import io.github.regionalrouter.internal.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link RouteSelector} made of rules tried in order; the first rule whose domain and path prefix
 * match decides, with its own selector (a fixed cluster, or a header). No match selects no
 * cluster. Immutable.
 *
 * <pre>{@code
 * RouteSelector.table()
 *     .route("admin.example.com", "/", RouteSelector.fixed("us_east1"))
 *     .route("*", "/", RouteSelector.byHeader("region"))
 *     .build();
 * }</pre>
 */
public final class RouteTable implements RouteSelector {
  private final Rule[] rules;

  private RouteTable(List<Rule> rules) {
    this.rules = rules.toArray(new Rule[0]);
  }

  @Override
  public String select(RouteContext context) {
    String host = context.host();
    for (Rule rule : rules) {
      if (!rule.matchesHost(host)) {
        continue;
      }
      if (rule.pathPrefix.length() > 1 && !context.pathStartsWith(rule.pathPrefix)) {
        continue;
      }
      return rule.target.select(context);
    }
    return null;
  }

  /**
   * The number of rules.
   *
   * @return the rule count; at least 1
   */
  public int size() {
    return rules.length;
  }

  @Override
  public String toString() {
    return "RouteTable" + List.of(rules);
  }

  private static final class Rule {
    final String domain; // "*", ".suffix" for "*.suffix", or exact
    final String pathPrefix;
    final RouteSelector target;

    Rule(String domain, String pathPrefix, RouteSelector target) {
      this.domain = domain;
      this.pathPrefix = pathPrefix;
      this.target = target;
    }

    boolean matchesHost(String host) {
      if (domain.equals("*")) {
        return true;
      }
      if (domain.charAt(0) == '.') {
        return host.endsWith(domain);
      }
      return host.equals(domain);
    }

    @Override
    public String toString() {
      return (domain.charAt(0) == '.' ? "*" + domain : domain) + pathPrefix + " -> " + target;
    }
  }

  /** Builds a {@link RouteTable}. {@link #build()} does not change the builder. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    Builder() {}

    /**
     * Adds a rule.
     *
     * @param domain an exact host, {@code *.suffix} (any host ending in {@code .suffix}), or
     *     {@code *} for any host
     * @param pathPrefix a path prefix starting with {@code /}; {@code /} matches every path. It is
     *     compared with {@link RouteContext#path()}, the normalized path, after being normalized
     *     the same way ({@code /a/./b} is {@code /a/b})
     * @param target the selector used when the rule matches
     * @return this builder
     * @throws IllegalArgumentException if {@code domain} or {@code pathPrefix} is not of that form
     */
    public Builder route(String domain, String pathPrefix, RouteSelector target) {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(pathPrefix, "pathPrefix");
      Objects.requireNonNull(target, "target");
      String d = domain.toLowerCase(Locale.ROOT);
      if (d.startsWith("*.") && d.length() > 2) {
        d = d.substring(1);
      } else if (d.isEmpty() || (!d.equals("*") && d.contains("*"))) {
        throw new IllegalArgumentException(
            "domain: \"" + domain + "\" (expected: a host, *.suffix or *)");
      }
      if (!pathPrefix.startsWith("/") || pathPrefix.indexOf('?') >= 0 || pathPrefix.indexOf('#') >= 0) {
        throw new IllegalArgumentException(
            "pathPrefix: \"" + pathPrefix + "\" (expected: a path starting with /, without ? or #)");
      }
      String prefix;
      try {
        prefix = Paths.normalize(pathPrefix); // rules and requests are compared in one form
      } catch (RoutingException e) {
        throw new IllegalArgumentException(
            "pathPrefix: \"" + pathPrefix + "\" (expected: a path starting with /, " + e.getMessage() + ")");
      }
      rules.add(new Rule(d, prefix, target));
      return this;
    }

    /**
     * Adds a rule that sends matching requests to {@code cluster}.
     *
     * @param domain an exact host, {@code *.suffix} or {@code *}, as for the other {@code route}
     * @param pathPrefix a path prefix starting with {@code /}, as for the other {@code route}
     * @param cluster the cluster name; not null
     * @return this builder
     */
    public Builder route(String domain, String pathPrefix, String cluster) {
      return route(domain, pathPrefix, RouteSelector.fixed(cluster));
    }

    /**
     * Builds the table.
     *
     * @return a new route table
     * @throws IllegalStateException if no rule was added
     */
    public RouteTable build() {
      if (rules.isEmpty()) {
        throw new IllegalStateException("route table: routes (expected: at least one)");
      }
      return new RouteTable(rules);
    }
  }
}
