package io.github.regionalrouter.internal.http;

/**
 * Header fields as received, in order, names as sent: what the fast lane's response parser gives
 * the response relay instead of a case-insensitive map (building a {@code TreeMap} and
 * {@code java.net.http.HttpHeaders} per response cost about a sixth of the loop's time).
 */
public interface HeaderFields {

  /** The number of fields. */
  int fieldCount();

  /** The name of field {@code i}, as received. */
  String fieldName(int i);

  /** The value of field {@code i}, without surrounding whitespace. */
  String fieldValue(int i);
}
