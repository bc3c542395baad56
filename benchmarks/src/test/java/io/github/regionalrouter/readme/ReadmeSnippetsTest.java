package io.github.regionalrouter.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README shows {@link ReadmeSnippets}' compiled snippets verbatim, so it cannot drift from the API. */
class ReadmeSnippetsTest {

  private static final Path ROOT = Path.of(System.getProperty("newcomer.root"));

  @Test
  void everySnippetAppearsVerbatimInAJavaBlockOfTheReadme() throws IOException {
    Map<String, String> snippets = snippets(Files.readAllLines(
        ROOT.resolve("benchmarks/src/test/java/io/github/regionalrouter/readme/ReadmeSnippets.java")));
    assertThat(snippets).containsOnlyKeys("quickstart", "filter-registration");
    String readme = Files.readString(ROOT.resolve("README.md"));
    snippets.forEach((name, code) ->
        assertThat(readme).as("README block for snippet %s", name).contains("```java\n" + code + "```\n"));
  }

  @Test
  void extractionDedentsAndKeepsBlankLines() {
    Map<String, String> s = snippets(List.of(
        "  // README:begin x", "    a(", "", "      b);", "  // README:end"));
    assertThat(s).containsExactly(Map.entry("x", "a(\n\n  b);\n"));
  }

  static Map<String, String> snippets(List<String> lines) {
    Map<String, String> out = new LinkedHashMap<>();
    String name = null;
    List<String> body = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("// README:begin ")) {
        name = t.substring("// README:begin ".length()).strip();
        body.clear();
      } else if (t.equals("// README:end")) {
        int indent = body.stream().filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String l : body) {
          sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        out.put(name, sb.toString());
        name = null;
      } else if (name != null) {
        body.add(line);
      }
    }
    return out;
  }
}
