package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.File;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the module path, an application module that requires {@code io.github.regionalrouter} can
 * use the public API and cannot use {@code internal}: the core's classes (with their
 * {@code module-info.class}), jackson-core and slf4j-api are put on a module path and a small
 * consumer module is compiled against them. (The other tests run on the class path.)
 */
@Timeout(120)
class ModuleEncapsulationTest {
  @TempDir Path dir;

  private static Path locationOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static String modulePath() throws URISyntaxException {
    return String.join(File.pathSeparator,
        locationOf(RegionalRouter.class).toString(),
        locationOf(JsonFactory.class).toString(),
        locationOf(org.slf4j.Logger.class).toString());
  }

  /** Compiles module {@code consumer} with {@code App.java}; returns javac's diagnostics, or null when it compiled. */
  private String compileConsumer(String app) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("consumer"));
    Files.writeString(src.resolve("module-info.java"), "module consumer { requires io.github.regionalrouter; }\n");
    Files.writeString(src.resolve("consumer/App.java"), app);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter out = new StringWriter();
    int rc = javac.getTask(out, null, null,
        List.of("--module-path", modulePath(), "-d", dir.resolve("out").toString(), "-Xlint:none"),
        null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjects(
            src.resolve("module-info.java").toFile(), src.resolve("consumer/App.java").toFile()))
        .call() ? 0 : 1;
    return rc == 0 ? null : out.toString();
  }

  @Test
  void aConsumerModuleCompilesAgainstThePublicApi() throws Exception {
    String errors = compileConsumer("package consumer;\n"
        + "import io.github.regionalrouter.RegionalRouter;\n"
        + "import io.github.regionalrouter.cluster.Cluster;\n"
        + "import io.github.regionalrouter.resolve.RegionResolvers;\n"
        + "public class App {\n"
        + "  public static RegionalRouter router() {\n"
        + "    return RegionalRouter.builder()\n"
        + "        .resolver(RegionResolvers.fixed(java.util.Map.of(\"a.example\", \"r1\")))\n"
        + "        .cluster(Cluster.named(\"r1\").endpoint(\"http://127.0.0.1:8080\"))\n"
        + "        .build();\n"
        + "  }\n"
        + "}\n");
    assertThat(errors).isNull();
  }

  @Test
  void aConsumerModuleCannotUseAnInternalPackage() throws Exception {
    String errors = compileConsumer("package consumer;\n"
        + "public class App {\n"
        + "  public static String host(String h) {\n"
        + "    return io.github.regionalrouter.internal.Hosts.class.getName() + h;\n"
        + "  }\n"
        + "}\n");
    assertThat(errors).isNotNull()
        // JDK 17 adds "does not export it"; JDK 25 words the reason differently
        .contains("package io.github.regionalrouter.internal is not visible");
  }
}
