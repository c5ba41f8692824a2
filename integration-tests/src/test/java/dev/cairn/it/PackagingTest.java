package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What is published is complete: the BOM lists every published module, and each published module's
 * jar has an {@code Automatic-Module-Name}, a sources jar and a javadoc jar. Runs after the modules
 * were packaged (this module is built last in the reactor).
 */
class PackagingTest {
  /** Reactor modules that are not published. */
  private static final Set<String> UNPUBLISHED =
      Set.of("bom", "integration-tests", "bench", "gc-tests", "reliability-tests");

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static List<String> publishedModules() throws IOException {
    List<String> modules =
        all(Pattern.compile("<module>([^<]+)</module>"), read(ROOT.resolve("pom.xml")));
    modules.removeIf(UNPUBLISHED::contains);
    return modules;
  }

  private static String artifactId(String module) throws IOException {
    String pom = read(ROOT.resolve(module).resolve("pom.xml"));
    // The first artifactId after </parent> is the module's own.
    String own = pom.substring(pom.indexOf("</parent>"));
    return all(Pattern.compile("<artifactId>([^<]+)</artifactId>"), own).get(0);
  }

  @Test
  void theBomListsEveryPublishedModule() throws IOException {
    Set<String> published = new TreeSet<>();
    for (String module : publishedModules()) {
      published.add(artifactId(module));
    }
    String bom = read(ROOT.resolve("bom/pom.xml"));
    Set<String> listed =
        new TreeSet<>(
            all(
                Pattern.compile(
                    "<groupId>dev\\.cairn</groupId>\\s*<artifactId>([^<]+)</artifactId>"),
                bom));
    listed.remove("cairn-bom");
    assertThat(listed).isEqualTo(published);
    assertThat(published).contains("cairn-spi", "cairn-backend-memory", "cairn-testkit");
  }

  @Test
  void theBomVersionIsTheReactorVersion() throws IOException {
    Pattern version = Pattern.compile("<version>([^<]+)</version>");
    String root = read(ROOT.resolve("pom.xml"));
    String bom = read(ROOT.resolve("bom/pom.xml"));
    assertThat(all(version, bom).get(0)).isEqualTo(all(version, root).get(0));
  }

  @Test
  void everyPublishedJarHasAModuleNameSourcesAndJavadoc() throws IOException {
    for (String module : publishedModules()) {
      String artifact = artifactId(module);
      Path target = ROOT.resolve(module).resolve("target");
      Path jar;
      try (Stream<Path> files = Files.list(target)) {
        jar =
            files
                .filter(
                    p ->
                        p.getFileName()
                            .toString()
                            .matches(Pattern.quote(artifact) + "-[^-]+(-SNAPSHOT)?\\.jar"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no jar of " + artifact + " in " + target));
      }
      String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
      assertThat(target.resolve(base + "-sources.jar")).as("sources of " + module).exists();
      assertThat(target.resolve(base + "-javadoc.jar")).as("javadoc of " + module).exists();
      try (JarFile file = new JarFile(jar.toFile())) {
        Manifest manifest = file.getManifest();
        String name = manifest.getMainAttributes().getValue("Automatic-Module-Name");
        assertThat(name)
            .as("Automatic-Module-Name of " + module)
            .isNotNull()
            .startsWith("dev.cairn.")
            .doesNotContain("undefined");
        if (file.getEntry("META-INF/services/dev.cairn.spi.StoreFactory") != null) {
          try (InputStream in =
              file.getInputStream(file.getEntry("META-INF/services/dev.cairn.spi.StoreFactory"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
              String provider = line.replaceAll("#.*", "").trim();
              if (!provider.isEmpty()) {
                assertThat(file.getEntry(provider.replace('.', '/') + ".class"))
                    .as(module + " registers " + provider + ", which it must contain")
                    .isNotNull();
              }
            }
          }
        }
      }
    }
  }
}
