package io.github.regionalrouter.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole file as a small tree whose every value and key remembers its line and column, read
 * with jackson-core's streaming parser. Walking a tree (rather than the token stream) lets the
 * typed reader check unknown keys, missing keys and cross-field rules with exact positions.
 */
final class JsonTree {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(1 << 20)
                  .maxNumberLength(100)
                  .build())
          .build();

  private JsonTree() {}

  /** The kinds of JSON value. */
  enum Kind {
    OBJECT,
    ARRAY,
    STRING,
    INTEGER,
    DECIMAL,
    BOOLEAN,
    NULL
  }

  /** One JSON value and where it starts. */
  static final class Node {
    final Kind kind;
    final int line;
    final int column;
    /** String content, number text, {@code true}, {@code false} or {@code null}. */
    final String text;
    /** The object's members in file order; empty unless an object. */
    final Map<String, Member> members;
    /** The array's items; empty unless an array. */
    final List<Node> items;

    Node(Kind kind, int line, int column, String text, Map<String, Member> members, List<Node> items) {
      this.kind = kind;
      this.line = line;
      this.column = column;
      this.text = text;
      this.members = members;
      this.items = items;
    }

    /** The value of {@code key}, or {@code null}. */
    Node get(String key) {
      Member m = members.get(key);
      return m == null ? null : m.value;
    }

    /** The value as the JSON text a user wrote, shortened; objects and arrays elided. */
    String show() {
      switch (kind) {
        case OBJECT:
          return "{...}";
        case ARRAY:
          return "[...]";
        case STRING:
          String s = text.length() > 80 ? text.substring(0, 77) + "..." : text;
          return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
        default:
          return text;
      }
    }
  }

  /** A key of an object, where the key is, and its value. */
  static final class Member {
    final String key;
    final int line;
    final int column;
    final Node value;

    Member(String key, int line, int column, Node value) {
      this.key = key;
      this.line = line;
      this.column = column;
      this.value = value;
    }
  }

  /**
   * Parses {@code json}, which must hold exactly one object.
   *
   * @throws ConfigException for an empty text, malformed JSON, duplicate keys, a top-level value
   *     that is not an object, or content after it
   */
  static Node parse(String json, String source) {
    if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
      json = json.substring(1);
    }
    Reader r = new Reader(source);
    try (JsonParser p = FACTORY.createParser(json)) {
      r.parser = p;
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new ConfigException(source, 1, 1, "", "empty file (expected: a JSON object)");
      }
      Node root = r.value();
      if (root.kind != Kind.OBJECT) {
        throw new ConfigException(
            source, root.line, root.column, "", root.show() + " (expected: a JSON object)");
      }
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new ConfigException(source, at.getLineNr(), at.getColumnNr(), "",
            "content after the top-level object (expected: end of file)");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation() != null ? e.getLocation() : r.location();
      throw new ConfigException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          r.path, "malformed JSON: " + clean(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String source does no I/O
    }
  }

  /** Jackson's message without its "[Source: ...; line: 1, column: 2]" decorations. */
  private static String clean(String message) {
    if (message == null) {
      return "unreadable";
    }
    return message
        .replaceAll("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
        .replace('\n', ' ')
        .trim();
  }

  private static final class Reader {
    final String source;
    JsonParser parser;
    String path = "";

    Reader(String source) {
      this.source = source;
    }

    JsonLocation location() {
      return parser == null ? null : parser.currentLocation();
    }

    /** Reads the value whose first token is current. */
    Node value() throws IOException {
      JsonParser p = parser;
      JsonLocation at = p.currentTokenLocation();
      int line = at.getLineNr();
      int column = at.getColumnNr();
      JsonToken t = p.currentToken();
      switch (t) {
        case START_OBJECT:
          return object(line, column);
        case START_ARRAY:
          return array(line, column);
        case VALUE_STRING:
          return scalar(Kind.STRING, line, column, p.getText());
        case VALUE_NUMBER_INT:
          return scalar(Kind.INTEGER, line, column, p.getText());
        case VALUE_NUMBER_FLOAT:
          return scalar(Kind.DECIMAL, line, column, p.getText());
        case VALUE_TRUE:
        case VALUE_FALSE:
          return scalar(Kind.BOOLEAN, line, column, p.getText());
        case VALUE_NULL:
          return scalar(Kind.NULL, line, column, "null");
        default:
          throw new ConfigException(source, line, column, path, "unexpected token " + t);
      }
    }

    private Node object(int line, int column) throws IOException {
      String outer = path;
      Map<String, Member> members = new LinkedHashMap<>();
      JsonToken t;
      while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonLocation at = parser.currentTokenLocation();
        path = ConfigReader.child(outer, key);
        Member first = members.get(key);
        if (first != null) {
          throw new ConfigException(source, at.getLineNr(), at.getColumnNr(), path,
              "duplicate key (expected: each key once; first at line " + first.line + ", column "
                  + first.column + ")");
        }
        parser.nextToken();
        Node v = value();
        members.put(key, new Member(key, at.getLineNr(), at.getColumnNr(), v));
        path = outer;
      }
      assert t == JsonToken.END_OBJECT;
      return new Node(Kind.OBJECT, line, column, null, Collections.unmodifiableMap(members), List.of());
    }

    private Node array(int line, int column) throws IOException {
      String outer = path;
      List<Node> items = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        path = outer + "[" + items.size() + "]";
        items.add(value());
        path = outer;
      }
      return new Node(Kind.ARRAY, line, column, null, Map.of(), Collections.unmodifiableList(items));
    }

    private static Node scalar(Kind kind, int line, int column, String text) {
      return new Node(kind, line, column, text, Map.of(), List.of());
    }
  }
}
