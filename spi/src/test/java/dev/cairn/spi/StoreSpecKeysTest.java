package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A spec holds only what its canonical form can print and read back: option and role names are
 * names, a key is not both, and text has no unpaired surrogate (it has no UTF-8 form).
 */
class StoreSpecKeysTest {
  private static final StoreSpec MEMORY = StoreSpec.leaf("memory", null, Map.of());

  @Test
  void optionNamesMustBeNames() {
    assertThatThrownBy(() -> StoreSpec.leaf("disk", "/x", Map.of("a=b", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option name \"a=b\" must be a lowercase letter then up to 63 of [a-z0-9-]");
    assertThatThrownBy(() -> StoreSpec.leaf("disk", "/x", Map.of("", "1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rolesMustBeNames() {
    assertThatThrownBy(() -> StoreSpec.combinator("layered", Map.of(), Map.of("Upper", MEMORY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("role \"Upper\" must be a lowercase letter then up to 63 of [a-z0-9-]");
  }

  @Test
  void aKeyIsNotBothAnOptionAndARole() {
    assertThatThrownBy(
            () -> StoreSpec.combinator("layered", Map.of("upper", "x"), Map.of("upper", MEMORY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"upper\" is both an option and a role of 'layered'");
  }

  @Test
  void textWithAnUnpairedSurrogateIsRejected() {
    assertThatThrownBy(() -> StoreSpec.leaf("disk", "/a\ud800", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("locator \"/a\\ud800\" has an unpaired surrogate at index 2");
    assertThatThrownBy(() -> StoreSpec.leaf("disk", "/a", Map.of("user", "\udc00x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value of option user");
    // A pair is one code point, and fine.
    StoreSpec.leaf("disk", "/\ud83d\ude00", Map.of());
  }
}
