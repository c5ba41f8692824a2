package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzz target for {@link RefName}: it accepts exactly the names its documented rules allow (checked
 * against a second, independent reading of those rules), rejects every other with {@link
 * InvalidRefNameException} naming the name, throws nothing else, and no name it accepts resolves
 * outside the directory it is resolved against.
 *
 * <p>The first input byte picks how the rest becomes a name: even for UTF-8, odd for raw UTF-16
 * code units (to reach unpaired surrogates). Seeds in {@code RefNameFuzzTestInputs/check/}.
 */
class RefNameFuzzTest {
  private static final Path BASE = Path.of("/store/refs");

  @FuzzTest(maxDuration = "30s")
  void check(byte[] input) {
    String name = text(input);
    boolean expected = allowedByTheRules(name);
    String returned;
    try {
      returned = RefName.check(name);
    } catch (InvalidRefNameException e) {
      assertThat(expected).as("rejected %s: %s", Quote.of(name), e.getMessage()).isFalse();
      assertThat(e.name()).isSameAs(name);
      assertThat(e.getMessage()).startsWith("invalid ref name ");
      assertThat(RefName.isValid(name)).isFalse();
      return;
    }
    assertThat(expected).as("accepted %s", Quote.of(name)).isTrue();
    assertThat(returned).isSameAs(name);
    assertThat(RefName.isValid(name)).isTrue();
    Path resolved = BASE.resolve(name).normalize();
    if (!resolved.startsWith(BASE) || resolved.equals(BASE)) {
      fail("%s resolves to %s, outside %s", Quote.of(name), resolved, BASE);
    }
  }

  /**
   * The rules of {@link RefName}'s Javadoc, read independently of its code: by code point,
   * component by component.
   */
  static boolean allowedByTheRules(String name) {
    if (name.isEmpty() || name.equals("@")) {
      return false;
    }
    if (name.contains("..") || name.contains("@{") || name.endsWith(".")) {
      return false;
    }
    int[] codePoints = name.codePoints().toArray();
    for (int c : codePoints) {
      boolean control = c < 0x20 || c == 0x7f;
      boolean forbidden =
          c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '['
              || c == '\\';
      boolean unpaired = c >= 0xd800 && c <= 0xdfff;
      if (control || forbidden || unpaired) {
        return false;
      }
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > RefName.MAX_LENGTH) {
      return false;
    }
    int start = 0;
    while (true) {
      int slash = name.indexOf('/', start);
      String component = slash < 0 ? name.substring(start) : name.substring(start, slash);
      if (component.isEmpty()
          || component.charAt(0) == '.'
          || component.endsWith(".lock")
          || component.getBytes(StandardCharsets.UTF_8).length > RefName.MAX_COMPONENT_LENGTH) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
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
