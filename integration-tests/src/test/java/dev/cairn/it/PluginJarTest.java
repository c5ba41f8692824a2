package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreFactory;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.StackSpecException;
import dev.cairn.stack.StoreType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third-party plugin of {@code examples/plugin}, compiled here against the SPI and the storage
 * helpers alone and packed into a jar of its own, adds the {@code example} store type to a class
 * loader over that jar: it then opens by spec, under the built-in decorators.
 */
class PluginJarTest {
  private static final Path PLUGIN =
      Path.of(System.getProperty("user.dir")).getParent().resolve("examples/plugin/src/main");

  @TempDir Path dir;

  @Test
  void aPluginJarInItsOwnClassLoaderAddsAStoreTypeThatOpensBySpec() throws Exception {
    Path jar = buildPluginJar();

    assertThatThrownBy(() -> Cairn.open("example:"))
        .isInstanceOf(StackSpecException.class)
        .hasMessageStartingWith("unknown store type 'example' at 0 in \"example:\"; known: ");

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      StoreType example =
          Cairn.storeTypes(loader).stream()
              .filter(t -> t.name().equals("example"))
              .findFirst()
              .orElseThrow();
      assertThat(example.origin()).isEqualTo("example-plugin-1.0.jar");
      assertThat(example.provider()).isEqualTo("com.example.cairn.ExampleStoreFactory");

      String spec = "stats:cache(capacity=100):example:" + dir.resolve("store") + "?hash=sha1";
      try (Backend store = Cairn.open(spec, loader)) {
        Hash hash = store.put("hello".getBytes());
        assertThat(hash.algorithm().name()).isEqualTo("sha1");
        assertThat(store.read(hash))
            .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo("hello".getBytes()));
        assertThat(store).hasToString(spec);
      }
    }
  }

  /** Compiles the plugin's sources against the SPI's jar and packs them with its services. */
  private Path buildPluginJar() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "-d",
                classes.toString(),
                "--release",
                "17",
                "-classpath",
                location(StoreFactory.class)
                    + java.io.File.pathSeparator
                    + location(dev.cairn.storage.DurableFiles.class)));
    try (Stream<Path> sources = Files.walk(PLUGIN.resolve("java"))) {
      sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> arguments.add(p.toString()));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, arguments.toArray(String[]::new)))
        .as("javac of the plugin")
        .isZero();

    Path jar = dir.resolve("example-plugin-1.0.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Path root : List.of(classes, PLUGIN.resolve("resources"))) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
            out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
            Files.copy(f, out);
            out.closeEntry();
          }
        }
      }
    }
    return jar;
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
