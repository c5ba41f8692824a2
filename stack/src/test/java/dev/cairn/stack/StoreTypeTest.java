package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import org.junit.jupiter.api.Test;

/** The listing the CLI prints: every type with its shape, roles, options and origin. */
class StoreTypeTest {
  private final Stacks stacks = Fakes.stacks(Fakes.withSecrets(Fakes.newLog()));

  @Test
  void listsEveryTypeByNameWithWhatItAccepts() {
    assertThat(stacks.storeTypes())
        .extracting(StoreType::name)
        .containsExactly(
            "cache",
            "disk",
            "layered",
            "lower",
            "memory",
            "mirror",
            "read-only",
            "stats",
            "vault",
            "verify");

    StoreType disk = type("disk");
    assertThat(disk.shape()).isEqualTo(StoreFactory.Shape.LEAF);
    assertThat(disk.roles()).isEmpty();
    assertThat(disk.description()).isEqualTo("A fake disk store.");
    assertThat(disk.options())
        .extracting(StoreOption::name)
        .containsExactly("fsync", "hash", "segment-size");
    assertThat(disk.options().get(0).defaultValue().map(Object::toString)).hasValue("batch");
    assertThat(disk.options().get(0).type()).isEqualTo("one of [always, batch, never]");
    assertThat(disk.provider()).isEqualTo("dev.cairn.stack.Fakes$Factory");
    assertThat(disk.origin()).isEqualTo("test-classes");
    assertThat(type("vault").options().get(0).isSensitive()).isTrue();
  }

  @Test
  void theSynopsisShowsHowASpecWritesEachShape() {
    assertThat(type("disk").synopsis()).isEqualTo("disk:<locator>?fsync=…&hash=…&segment-size=…");
    assertThat(type("memory").synopsis()).isEqualTo("memory:<locator>");
    assertThat(type("cache").synopsis()).isEqualTo("cache(capacity=…, max-bytes=…):<store>");
    assertThat(type("stats").synopsis()).isEqualTo("stats:<store>");
    assertThat(type("layered").synopsis()).isEqualTo("layered(upper=<store>, lower=<store>)");
    assertThat(type("mirror").synopsis())
        .isEqualTo("mirror(policy=…, primary=<store>, replica=<store>)");
    assertThat(type("layered")).hasToString("layered (combinator): A fake layered store.");
  }

  private StoreType type(String name) {
    return stacks.storeTypes().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
