package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The example plugin of {@code examples/plugin} passes the conformance suite of this build: its
 * sources and its conformance test are compiled here (the plugin is not part of the reactor, and
 * its own build needs the testkit installed) and the test is run by the JUnit launcher, so that a
 * stronger suite is held against the plugin guide's example at once.
 */
class PluginConformanceTest {
  private static final Path PLUGIN =
      Path.of(System.getProperty("user.dir")).getParent().resolve("examples/plugin/src");

  @TempDir Path dir;

  @Test
  void theExamplePluginPassesTheConformanceSuite() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "-d",
                classes.toString(),
                "--release",
                "17",
                "-proc:none",
                "-classpath",
                String.join(
                    java.io.File.pathSeparator,
                    location(Backend.class),
                    location(ConformanceSuite.class),
                    location(Test.class),
                    location(dev.cairn.storage.DurableFiles.class),
                    location(org.apiguardian.api.API.class))));
    for (String part : List.of("main/java", "test/java")) {
      try (Stream<Path> sources = Files.walk(PLUGIN.resolve(part))) {
        sources
            .filter(p -> p.toString().endsWith(".java"))
            .forEach(p -> arguments.add(p.toString()));
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, arguments.toArray(String[]::new)))
        .as("javac of the plugin and its tests")
        .isZero();

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL(), PLUGIN.resolve("main/resources").toUri().toURL()},
            getClass().getClassLoader())) {
      Class<?> suite = loader.loadClass("com.example.cairn.ExampleStoreConformanceTest");
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      LauncherFactory.create()
          .execute(
              LauncherDiscoveryRequestBuilder.request().selectors(selectClass(suite)).build(),
              listener);
      TestExecutionSummary summary = listener.getSummary();
      assertThat(summary.getFailures())
          .extracting(
              failure ->
                  failure.getTestIdentifier().getDisplayName() + ": " + failure.getException())
          .isEmpty();
      assertThat(summary.getTestsSucceededCount()).isGreaterThan(40);
    }
  }

  private static String location(Class<?> type) throws java.net.URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
