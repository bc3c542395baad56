package io.github.regionalrouter.config;

import io.github.regionalrouter.config.JsonTree.Kind;
import io.github.regionalrouter.config.JsonTree.Member;
import io.github.regionalrouter.config.JsonTree.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of tree values that fail with a {@link ConfigException} naming the file, position,
 * field path, the value found and what was expected.
 */
final class ConfigReader {
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern BUILDER_MESSAGE =
      Pattern.compile("[^\"]*?: (.*) \\(expected: (.*)\\)", Pattern.DOTALL);

  final String source;

  ConfigReader(String source) {
    this.source = source;
  }

  /** The path of member {@code key} of the object at {@code path}. */
  static String child(String path, String key) {
    String k = SIMPLE_KEY.matcher(key).matches() ? key : null;
    if (k == null) {
      return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
    return path.isEmpty() ? k : path + "." + k;
  }

  /** The path of item {@code index} of the array at {@code path}. */
  static String index(String path, int index) {
    return path + "[" + index + "]";
  }

  ConfigException error(Node at, String path, String detail) {
    return new ConfigException(source, at.line, at.column, path, detail);
  }

  /** "{@code <value>} (expected: {@code expected})" at the value. */
  ConfigException expected(Node value, String path, String expected) {
    return error(value, path, value.show() + " (expected: " + expected + ")");
  }

  /**
   * Runs a builder call for the value at {@code path}; an {@link IllegalArgumentException} or
   * {@link IllegalStateException} it throws becomes a {@link ConfigException} at the value, with
   * the builder's message as what was expected.
   */
  <T> T check(Node value, String path, Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw rejected(value, path, e);
    }
  }

  ConfigException rejected(Node value, String path, RuntimeException e) {
    String msg = String.valueOf(e.getMessage());
    Matcher m = BUILDER_MESSAGE.matcher(msg);
    String detail;
    if (m.matches() && m.group(1).equals(value.show())) {
      detail = value.show() + " (expected: " + m.group(2) + ")";
    } else if (msg.contains("(expected:")) {
      detail = value.show() + " (" + msg + ")";
    } else {
      detail = value.show() + " (expected: " + msg + ")";
    }
    return new ConfigException(source, value.line, value.column, path, detail, e);
  }

  /** An object with only {@code known} keys; unknown keys fail, suggesting the nearest. */
  Obj object(Node node, String path, String expected, String... known) {
    if (node.kind != Kind.OBJECT) {
      throw expected(node, path, expected);
    }
    for (Member m : node.members.values()) {
      if (!Arrays.asList(known).contains(m.key)) {
        throw unknownKey(m, path, known);
      }
    }
    return new Obj(node, path);
  }

  ConfigException unknownKey(Member m, String path, String... known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = levenshtein(m.key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    String hint =
        best != null && bestDistance <= 3
            ? "did you mean \"" + best + "\"?"
            : "expected one of: " + String.join(", ", known);
    return new ConfigException(
        source, m.line, m.column, child(path, m.key), "unknown key (" + hint + ")");
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  String string(Node node, String path, String expected) {
    if (node.kind != Kind.STRING || node.text.isEmpty()) {
      throw expected(node, path, expected);
    }
    return node.text;
  }

  boolean bool(Node node, String path) {
    if (node.kind != Kind.BOOLEAN) {
      throw expected(node, path, "true or false");
    }
    return Boolean.parseBoolean(node.text);
  }

  int integer(Node node, String path, int min, int max) {
    String expected = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer " + min + "-" + max;
    return (int) longInRange(node, path, min, max, expected);
  }

  long longInteger(Node node, String path, long min) {
    return longInRange(node, path, min, Long.MAX_VALUE, "an integer >= " + min);
  }

  private long longInRange(Node node, String path, long min, long max, String expected) {
    if (node.kind != Kind.INTEGER) {
      throw expected(node, path, expected);
    }
    long v;
    try {
      v = Long.parseLong(node.text);
    } catch (NumberFormatException e) {
      throw expected(node, path, expected);
    }
    if (v < min || v > max) {
      throw expected(node, path, expected);
    }
    return v;
  }

  /** A duration; zero only if {@code allowZero}. */
  Duration duration(Node node, String path, boolean allowZero) {
    Duration d = node.kind == Kind.STRING ? Durations.parse(node.text) : null;
    if (d == null) {
      throw expected(node, path, Durations.EXPECTED);
    }
    if (d.isZero() && !allowZero) {
      throw expected(node, path, "a duration > 0, like 250ms, 5s or 5m");
    }
    return d;
  }

  List<Node> array(Node node, String path, String expected, boolean nonEmpty) {
    if (node.kind != Kind.ARRAY || (nonEmpty && node.items.isEmpty())) {
      throw expected(node, path, expected);
    }
    return node.items;
  }

  /** An object of string values, in file order. */
  Map<String, String> stringMap(Node node, String path, String expected, String valueExpected) {
    if (node.kind != Kind.OBJECT) {
      throw expected(node, path, expected);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Member m : node.members.values()) {
      Node v = m.value;
      if (v.kind != Kind.STRING) {
        String p = child(path, m.key);
        throw RouterConfig.isSecret(m.key)
            ? error(v, p, "<redacted> (expected: " + valueExpected + ")")
            : expected(v, p, valueExpected);
      }
      out.put(m.key, v.text);
    }
    return out;
  }

  /** The value as plain Java: String, Long, Double, Boolean, List, Map or null. */
  Object plain(Node node, String path) {
    switch (node.kind) {
      case OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        for (Member m : node.members.values()) {
          map.put(m.key, plain(m.value, child(path, m.key)));
        }
        return java.util.Collections.unmodifiableMap(map);
      case ARRAY:
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < node.items.size(); i++) {
          list.add(plain(node.items.get(i), index(path, i)));
        }
        return java.util.Collections.unmodifiableList(list);
      case STRING:
        return node.text;
      case INTEGER:
        try {
          return Long.parseLong(node.text);
        } catch (NumberFormatException e) {
          throw expected(node, path, "an integer that fits in 64 bits");
        }
      case DECIMAL:
        return Double.parseDouble(node.text);
      case BOOLEAN:
        return Boolean.parseBoolean(node.text);
      default:
        return null;
    }
  }

  /** An object being read: its node and path. */
  final class Obj {
    final Node node;
    final String path;

    Obj(Node node, String path) {
      this.node = node;
      this.path = path;
    }

    /** The value of {@code key}, or {@code null} when absent. */
    Node get(String key) {
      return node.get(key);
    }

    boolean has(String key) {
      return node.members.containsKey(key);
    }

    Member member(String key) {
      return node.members.get(key);
    }

    /** The value of {@code key}; when absent, fails at the start of this object. */
    Node require(String key, String expected) {
      Node v = node.get(key);
      if (v == null) {
        throw new ConfigException(
            source, node.line, node.column, path(key), "missing (expected: " + expected + ")");
      }
      return v;
    }

    String path(String key) {
      return child(path, key);
    }
  }
}
