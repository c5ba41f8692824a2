package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.stack.fixture.BadName;
import dev.cairn.stack.fixture.FastDisk;
import dev.cairn.stack.fixture.FixtureFactory;
import dev.cairn.stack.fixture.JarArchive;
import dev.cairn.stack.fixture.JarDisk;
import dev.cairn.stack.fixture.NeedsMissing;
import dev.cairn.stack.fixture.ThrowingConstructor;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the registry finds providers through a class loader, and what it does with bad ones. */
class ProviderDiscoveryTest {
  @TempDir Path dir;

  @Test
  void twoProvidersOfOneTypeFailNamingBothClassesAndJars() throws IOException {
    Path first =
        PluginJars.jar(
            dir,
            "cairn-backend-disk-0.1.jar",
            List.of(FixtureFactory.class, JarDisk.class),
            List.of(JarDisk.class.getName()));
    Path second =
        PluginJars.jar(
            dir,
            "fastdisk-2.1.jar",
            List.of(FixtureFactory.class, FastDisk.class),
            List.of(FastDisk.class.getName()));

    try (URLClassLoader loader = PluginJars.loader(first, second)) {
      String expected =
          "duplicate store type 'disk': dev.cairn.stack.fixture.JarDisk"
              + " (cairn-backend-disk-0.1.jar) and dev.cairn.stack.fixture.FastDisk"
              + " (fastdisk-2.1.jar)";
      assertThatThrownBy(() -> Cairn.storeTypes(loader))
          .isInstanceOf(StackSpecException.class)
          .hasMessage(expected);
      // Loudly means always, not only when a spec names the type.
      assertThatThrownBy(() -> Cairn.parse("archive:", loader)).hasMessage(expected);
    }
  }

  @Test
  void providersThatFailToLoadAreNamedInTheUnknownTypeError() throws IOException {
    Path jar =
        PluginJars.jar(
            dir,
            "broken-1.0.jar",
            List.of(
                FixtureFactory.class,
                JarArchive.class,
                NeedsMissing.class,
                ThrowingConstructor.class,
                BadName.class),
            List.of(
                "com.acme.Missing",
                NeedsMissing.class.getName(),
                ThrowingConstructor.class.getName(),
                BadName.class.getName(),
                JarArchive.class.getName()));

    try (URLClassLoader loader = PluginJars.loader(jar)) {
      assertThat(Cairn.failedProviders(loader))
          .containsExactly(
              "com.acme.Missing not found",
              "dev.cairn.stack.fixture.BadName (broken-1.0.jar) has name() 'Bad Name', not a"
                  + " lowercase letter then 1 to 31 of [a-z0-9-]",
              "dev.cairn.stack.fixture.NeedsMissing could not be instantiated"
                  + " (NoClassDefFoundError: dev/cairn/stack/fixture/MissingDependency)",
              "dev.cairn.stack.fixture.ThrowingConstructor could not be instantiated"
                  + " (IllegalStateException: no licence key)");
      assertThat(Cairn.storeTypes(loader)).extracting(StoreType::name).containsExactly("archive");

      assertThatThrownBy(() -> Cairn.open("disk:/x", loader))
          .isInstanceOf(StackSpecException.class)
          .hasMessage(
              "unknown store type 'disk' at 0 in \"disk:/x\"; known: archive;"
                  + " 4 providers failed to load: "
                  + String.join("; ", Cairn.failedProviders(loader)));
    }
  }

  @Test
  void withNoProviderTheErrorSaysNoneWasFound() {
    // The stack's own test class path provides no store type.
    assertThat(Cairn.storeTypes()).isEmpty();
    assertThat(Cairn.failedProviders()).isEmpty();
    assertThatThrownBy(() -> Cairn.parse("memory:")).isInstanceOf(StackSpecException.class);
    assertThatThrownBy(() -> Cairn.open("memory:", CairnConfiguration.defaults()))
        .isInstanceOf(StackSpecException.class);
    assertThatThrownBy(() -> Cairn.open("memory:"))
        .isInstanceOf(StackSpecException.class)
        .hasMessage(
            "unknown store type 'memory' at 0 in \"memory:\"; known: none (no store"
                + " factory was found)");
  }

  @Test
  void providersOfAnotherClassLoaderOpenBySpec() throws IOException {
    Path services = dir.resolve("classes/META-INF/services/dev.cairn.spi.StoreFactory");
    Files.createDirectories(services.getParent());
    Files.writeString(
        services,
        PublicFakes.Memory.class.getName() + "\n" + PublicFakes.Cache.class.getName() + "\n",
        StandardCharsets.UTF_8);

    try (URLClassLoader loader =
            new URLClassLoader(
                new java.net.URL[] {dir.resolve("classes").toUri().toURL()},
                getClass().getClassLoader());
        Backend store = Cairn.open("cache(capacity=10, token=abc):memory:", loader)) {
      assertThat(store.read(store.put(new byte[] {1, 2}))).hasValue(new byte[] {1, 2});
      assertThat(store).hasToString("cache(capacity=10, token=****):memory:");
      assertThat(Cairn.parse("cache:memory:", loader).children()).containsOnlyKeys("child");
    }
  }

  @Test
  void aFactoryThatDescribesItselfWronglyIsRecordedNotUsed() {
    List<String> log = Fakes.newLog();
    Set<StoreFactory> factories =
        Set.of(
            Fakes.leaf("memory", log),
            Fakes.combinator("no-roles", List.of(), log),
            new Fakes.Factory(
                "with-roles", StoreFactory.Shape.DECORATOR, List.of("a"), List.of(), log),
            Fakes.combinator("child-role", List.of("child"), log),
            Fakes.combinator("twice", List.of("a", "a"), log),
            Fakes.leaf(
                "same-option",
                log,
                StoreOption.string("x", "", "X."),
                StoreOption.string("x", "", "X again.")),
            Fakes.combinator("clash", List.of("x"), log, StoreOption.string("x", "", "X.")),
            new Fakes.Factory("throws", StoreFactory.Shape.LEAF, List.of(), List.of(), log) {
              @Override
              public List<StoreOption<?>> options() {
                throw new IllegalStateException("options unavailable");
              }
            });

    Registry registry = new Registry(factories, Set.of());

    assertThat(registry.names()).containsExactly("memory");
    assertThat(registry.failures())
        .hasSize(7)
        .allSatisfy(f -> assertThat(f).startsWith("dev.cairn.stack.").contains(" (test-classes) "));
    assertThat(String.join("\n", registry.failures()))
        .contains("is a COMBINATOR without roles")
        .contains("is a DECORATOR with roles [a]; only a COMBINATOR has roles")
        .contains("has role 'child'; roles are lowercase names other than 'child'")
        .contains("declares role 'a' twice")
        .contains("declares option 'x' twice")
        .contains("has an option and a role both named 'x'")
        .contains("options unavailable");
  }
}
