package io.github.regionalrouter.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(5)
class JsonPointerExtractorTest {

  private static String extract(String pointer, String json) throws JsonExtractionException {
    byte[] bytes = ("  " + json + "  ").getBytes(StandardCharsets.UTF_8);
    return JsonPointerExtractor.compile(pointer).extract(bytes, 2, bytes.length - 4);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''          | \"whole\"                          | whole",
        "/a          | {\"a\":\"x\"}                      | x",
        "/           | {\"\":\"empty-name\"}              | empty-name",
        "/a/0/b      | {\"a\":[{\"b\":\"deep\"}]}         | deep",
        "/m~0n       | {\"m~n\":\"tilde\"}                | tilde",
        "/~01        | {\"~1\":\"not-slash\",\"/\":\"no\"} | not-slash",
        "/10         | {\"10\":\"member-named-10\"}       | member-named-10",
        "/a/ü        | {\"a\":{\"ü\":\"unicode\"}}        | unicode",
      })
  void findsTheStringAtThePointer(String pointer, String json, String expected) throws Exception {
    assertThat(extract(pointer, json)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/-", "/01", "/1x"})
  void treatsNonIndexTokensAsMissingInArrays(String pointer) {
    assertThatThrownBy(() -> extract(pointer, "[\"a\",\"b\"]"))
        .isInstanceOf(JsonExtractionException.class)
        .hasMessage("no value at " + pointer);
  }

  @Test
  void readsTheWholeDocumentEvenAfterFindingTheValue() {
    assertThatThrownBy(() -> extract("/a", "{\"a\":\"x\",\"b\":[1,2}"))
        .isInstanceOf(JsonExtractionException.class)
        .hasMessageStartingWith("malformed JSON at line 1");
  }

  @Test
  void refusesAnOverlongNumberEvenOffThePointersPath() {
    assertThatThrownBy(() -> extract("/a", "{\"a\":\"x\",\"n\":" + "9".repeat(1_000) + "}"))
        .isInstanceOf(JsonExtractionException.class)
        .hasMessageContaining("Number value length");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "/a~", "/a~2b"})
  void rejectsInvalidPointersNamingThem(String pointer) {
    assertThatThrownBy(() -> JsonPointerExtractor.compile(pointer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("regionPointer: \"" + pointer + "\"");
  }
}
