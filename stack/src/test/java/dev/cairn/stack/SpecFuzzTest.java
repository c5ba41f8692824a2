package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.spi.StoreSpec;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the spec parser. In a normal build they run in Jazzer's regression mode over the
 * seeds in {@code SpecFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1} they fuzz.
 *
 * <p>Input bytes become the spec in one of two ways, chosen by the first byte, so that the fuzzer
 * reaches both UTF-8 text and arbitrary UTF-16 (including unpaired surrogates).
 */
class SpecFuzzTest {
  private static final Stacks STACKS = Fakes.stacks(Fakes.withSecrets(Fakes.newLog()));

  /** Any input is either a spec or a {@link StackSpecException}; nothing else escapes. */
  @FuzzTest(maxDuration = "60s")
  void parse(byte[] input) {
    String spec = text(input);
    try {
      StoreSpec parsed = STACKS.parse(spec);
      assertThat(parsed.toString()).doesNotContain("secret");
    } catch (StackSpecException e) {
      assertThat(e.problems()).isNotEmpty();
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /** Whatever parses prints a canonical form that parses to the same spec and prints alike. */
  @FuzzTest(maxDuration = "60s")
  void canonicalFormIsStable(byte[] input) {
    StoreSpec parsed;
    try {
      parsed = STACKS.parse(text(input));
    } catch (StackSpecException e) {
      return;
    }
    String canonical = parsed.toString();
    if (canonical.contains(StoreSpec.MASK)) {
      return;
    }
    StoreSpec reread = STACKS.parse(canonical);
    assertThat(reread).isEqualTo(parsed);
    assertThat(reread.toString()).isEqualTo(canonical);
  }

  /** The first byte picks the decoding: odd for raw UTF-16 code units, even for UTF-8. */
  static String text(byte[] input) {
    if (input.length == 0) {
      return "";
    }
    if ((input[0] & 1) == 0) {
      return new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i + 1 < input.length; i += 2) {
      out.append((char) ((input[i] & 0xff) << 8 | input[i + 1] & 0xff));
    }
    return out.toString();
  }
}
