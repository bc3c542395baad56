package io.github.regionalrouter.newcomer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's path, end to end: the library's packaged artifacts are installed into a
 * temporary local repository (never the shared ~/.m2), and the separate projects under
 * {@code examples/} are built by a Maven of their own that knows the library only by its
 * coordinates. Third-party artifacts come from the build's own local repository, read as a
 * {@code file://} remote (releases only, so no stray regional-router snapshot there can be
 * picked up), then from Maven Central.
 */
class NewcomerBuildTest {

  private static final String GROUP_PATH = "io/github/regionalrouter";

  @TempDir static Path tmp;
  private static Path root;
  private static String version;
  private static Path repo;
  private static Path settings;

  @BeforeAll
  static void installIntoTemporaryRepository() throws IOException {
    root = Path.of(System.getProperty("newcomer.root"));
    version = System.getProperty("newcomer.version");
    repo = tmp.resolve("repository");
    install("regional-router-parent", root.resolve("pom.xml"), null);
    install("regional-router-core", root.resolve("core/pom.xml"), root.resolve("core/target"));
    install("regional-router-servlet", root.resolve("servlet-adapter/pom.xml"),
        root.resolve("servlet-adapter/target"));
    Path shared = Path.of(System.getProperty("newcomer.localRepository"));
    settings = tmp.resolve("settings.xml");
    Files.writeString(settings, """
        <settings>
          <profiles><profile><id>shared-read-only</id>
            <repositories><repository><id>shared-m2</id><url>%1$s</url>
              <snapshots><enabled>false</enabled></snapshots></repository></repositories>
            <pluginRepositories><pluginRepository><id>shared-m2</id><url>%1$s</url>
              <snapshots><enabled>false</enabled></snapshots></pluginRepository></pluginRepositories>
          </profile></profiles>
          <activeProfiles><activeProfile>shared-read-only</activeProfile></activeProfiles>
        </settings>
        """.formatted(shared.toUri()));
  }

  /** What {@code mvn install} puts into a local repository: the POM and, but for the parent, the jar. */
  private static void install(String artifactId, Path pom, Path target) throws IOException {
    Path dir = repo.resolve(GROUP_PATH).resolve(artifactId).resolve(version);
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
    if (target != null) {
      Path jar = target.resolve(artifactId + "-" + version + ".jar");
      assertThat(jar).as("packaged by this build; run `mvn -B verify`, not `mvn test`").exists();
      Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
    }
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aProjectDependingOnCoreByCoordinatesCompilesAndDecides() throws Exception {
    Path project = copy(root.resolve("examples/newcomer"), tmp.resolve("newcomer"));
    String out = mvn(project, "compile", "exec:java");
    assertThat(out).contains("decision: us_central1 -> us_central1 http://10.0.1.1:8080");
    // it ran on the jar this build packaged, resolved from the temporary repository
    assertThat(repo.resolve(GROUP_PATH + "/regional-router-core/" + version
            + "/regional-router-core-" + version + ".jar"))
        .hasSameBinaryContentAs(root.resolve("core/target/regional-router-core-" + version + ".jar"));
    assertThat(repo.resolve("com/fasterxml/jackson/core/jackson-core")).isDirectory();
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aWarDependingOnTheServletAdapterByCoordinatesPackagesTheLibrary() throws Exception {
    Path project = copy(root.resolve("examples/servlet-webapp"), tmp.resolve("servlet-webapp"));
    mvn(project, "package");
    Path war = project.resolve("target/regional-router-example.war");
    try (ZipFile zip = new ZipFile(war.toFile())) {
      assertThat(zip.getEntry("WEB-INF/lib/regional-router-servlet-" + version + ".jar")).isNotNull();
      assertThat(zip.getEntry("WEB-INF/lib/regional-router-core-" + version + ".jar")).isNotNull();
      assertThat(zip.getEntry("WEB-INF/classes/io/github/regionalrouter/example/HelloServlet.class"))
          .isNotNull();
      assertThat(zip.getEntry("WEB-INF/lib/jakarta.servlet-api-6.0.0.jar")).as("provided").isNull();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyPackagedJarNamesItsVersionAndTheStandaloneProxyPrintsIt() throws Exception {
    for (String module : List.of("core/target/regional-router-core", "jdk-server-adapter/target/regional-router-jdk-server",
        "servlet-adapter/target/regional-router-servlet")) {
      for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
        assertThat(root.resolve(module + "-" + version + suffix)).as("published artifact").exists();
      }
      assertThat(implementationVersion(root.resolve(module + "-" + version + ".jar"))).isEqualTo(version);
    }
    Path proxyJar = root.resolve("jdk-server-adapter/target/regional-router-proxy.jar");
    assertThat(implementationVersion(proxyJar)).isEqualTo(version);

    Path log = tmp.resolve("version.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", proxyJar.toString(), "--version").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(log).strip()).isEqualTo("regional-router " + version);
  }

  private static String implementationVersion(Path jar) throws IOException {
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      return j.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
  }

  private static String mvn(Path project, String... goals) throws Exception {
    String exe = System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn";
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("newcomer.maven.home"), "bin", exe).toString(),
        "-B", "-s", settings.toString(), "-Dmaven.repo.local=" + repo,
        "-Dregional-router.version=" + version));
    cmd.addAll(List.of(goals));
    Path log = project.resolve("build.log");
    Process p = new ProcessBuilder(cmd).directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(200, TimeUnit.SECONDS)) {
        throw new AssertionError("mvn " + goals + " did not finish in 200 s:\n" + Files.readString(log));
      }
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("mvn %s in %s:%n%s", List.of(goals), project, out).isZero();
    return out;
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (from.relativize(f).startsWith("target")) {
          continue;
        }
        Path dest = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }
}
