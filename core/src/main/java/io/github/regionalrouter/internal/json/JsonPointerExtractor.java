package io.github.regionalrouter.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Picks the string at a JSON Pointer (RFC 6901) out of a JSON document with jackson-core's
 * streaming parser: subtrees off the pointer's path are skipped, never materialized.
 *
 * <p>The whole document is still read to its end, so a document that is malformed after the value,
 * has trailing content, repeats a member name, nests deeper than 64 levels
 * or holds a string longer than 65536 chars or a number longer than
 * 64 digits is refused as a whole: an ambiguous answer is not an answer.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonPointerExtractor {
  static final int MAX_NESTING_DEPTH = 64;
  static final int MAX_STRING_LENGTH = 64 * 1024;
  static final int MAX_NUMBER_LENGTH = 64;

  // one factory for every extractor: it is thread-safe once built, and shares symbol tables
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .maxNameLength(MAX_STRING_LENGTH)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // member names come from another service: do not fill the JVM's string pool with them
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  private final String pointer;
  private final String[] tokens;
  /** Per token: the array index it names, or -1 if it cannot be an array index. */
  private final int[] indexes;

  private JsonPointerExtractor(String pointer, String[] tokens, int[] indexes) {
    this.pointer = pointer;
    this.tokens = tokens;
    this.indexes = indexes;
  }

  /**
   * Compiles a JSON Pointer: {@code ""} (the whole document) or {@code /}-separated reference
   * tokens, where {@code ~1} stands for {@code /} and {@code ~0} for {@code ~}.
   *
   * @throws IllegalArgumentException naming {@code regionPointer} if the pointer is not valid
   */
  public static JsonPointerExtractor compile(String pointer) {
    Objects.requireNonNull(pointer, "pointer");
    if (!pointer.isEmpty() && pointer.charAt(0) != '/') {
      throw invalid(pointer);
    }
    List<String> tokens = new ArrayList<>();
    int start = 1;
    while (start <= pointer.length() && !pointer.isEmpty()) {
      int end = pointer.indexOf('/', start);
      if (end < 0) {
        end = pointer.length();
      }
      tokens.add(unescape(pointer, pointer.substring(start, end)));
      start = end + 1;
    }
    String[] array = tokens.toArray(new String[0]);
    int[] indexes = new int[array.length];
    for (int i = 0; i < array.length; i++) {
      indexes[i] = arrayIndex(array[i]);
    }
    return new JsonPointerExtractor(pointer, array, indexes);
  }

  private static String unescape(String pointer, String token) {
    if (token.indexOf('~') < 0) {
      return token;
    }
    StringBuilder b = new StringBuilder(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c != '~') {
        b.append(c);
      } else if (i + 1 < token.length() && token.charAt(i + 1) == '0') {
        b.append('~');
        i++;
      } else if (i + 1 < token.length() && token.charAt(i + 1) == '1') {
        b.append('/');
        i++;
      } else {
        throw invalid(pointer);
      }
    }
    return b.toString();
  }

  /** RFC 6901 array index: {@code 0} or a digit string without leading zero; -1 otherwise. */
  private static int arrayIndex(String token) {
    if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static IllegalArgumentException invalid(String pointer) {
    return new IllegalArgumentException(
        "regionPointer: \""
            + pointer
            + "\" (expected: a JSON Pointer such as /region or /args/region; ~0 for ~, ~1 for /)");
  }

  /**
   * The string at the pointer in the JSON document {@code json[offset, offset + length)}.
   *
   * @throws JsonExtractionException if there is no value at the pointer, the value is not a string,
   *     or the document is not one well-formed JSON value within the limits
   */
  public String extract(byte[] json, int offset, int length) throws JsonExtractionException {
    try (JsonParser p = FACTORY.createParser(json, offset, length)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new JsonExtractionException("empty body, expected JSON");
      }
      String found = null;
      String notFound = null;
      for (int level = 0; ; level++) {
        if (level == tokens.length) {
          if (t == JsonToken.VALUE_STRING) {
            found = p.getText();
          } else {
            notFound = "value at " + pointer + " is " + describe(t) + ", not a string";
          }
          break;
        }
        t = descend(p, t, level);
        if (t == null) {
          notFound = "no value at " + pointer;
          break;
        }
      }
      // read the rest, so that malformed or trailing content fails the whole answer
      while (!p.getParsingContext().inRoot()) {
        if (p.nextToken() == null) {
          throw new JsonExtractionException("malformed JSON: unexpected end of input");
        }
      }
      if (p.nextToken() != null) {
        throw new JsonExtractionException(
            "malformed JSON: trailing content at " + at(p.currentTokenLocation()));
      }
      if (notFound != null) {
        throw new JsonExtractionException(notFound);
      }
      return found;
    } catch (JsonProcessingException e) {
      throw new JsonExtractionException(
          "malformed JSON at " + at(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      // a byte-array source has no I/O; anything else is a parse failure too
      throw new JsonExtractionException("malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Moves from container {@code t} to its member named by token {@code level}, skipping the members
   * before it; returns the member's first token, or {@code null} (parser at the container's end)
   * if there is no such member.
   */
  private JsonToken descend(JsonParser p, JsonToken t, int level) throws IOException {
    if (t == JsonToken.START_OBJECT) {
      String name = tokens[level];
      for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        boolean match = name.equals(p.currentName());
        t = p.nextToken();
        if (match) {
          return t;
        }
        p.skipChildren();
      }
      return null;
    }
    if (t == JsonToken.START_ARRAY) {
      int index = indexes[level];
      int i = 0;
      for (t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken(), i++) {
        if (i == index) {
          return t;
        }
        p.skipChildren();
      }
      return null;
    }
    return null; // a scalar has no members
  }

  private static String describe(JsonToken t) {
    switch (t) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.toString();
    }
  }

  private static String at(JsonLocation loc) {
    return loc == null ? "?" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** The pointer as given. */
  @Override
  public String toString() {
    return pointer;
  }
}
