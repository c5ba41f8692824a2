package dev.cairn.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cat} took only a full hash; it reads abbreviations as Git does. */
class ObjectNameTest {
  @TempDir Path dir;

  @Test
  void ambiguousAbbreviationIsAClearErrorAndALongerOneIsUnique() {
    Map<String, String> byPrefix = new HashMap<>();
    String[] pair = null;
    for (int i = 0; pair == null; i++) {
      String content = "object " + i;
      String hex = HashAlgorithm.SHA256.hash(content.getBytes(UTF_8)).toHex();
      String other = byPrefix.putIfAbsent(hex.substring(0, 4), content);
      if (other != null) {
        pair = new String[] {other, content};
      }
    }
    String first = CliRun.run(dir, pair[0].getBytes(UTF_8), "put").out.trim();
    String second = CliRun.run(dir, pair[1].getBytes(UTF_8), "put").out.trim();
    CliRun ambiguous = CliRun.run(dir, "cat", first.substring(0, 4));
    assertThat(ambiguous.exit).isEqualTo(1);
    assertThat(ambiguous.err)
        .startsWith(
            "cairn: abbreviated hash '"
                + first.substring(0, 4)
                + "' is ambiguous: 2 objects start so (")
        .contains(first)
        .contains(second);
    int unique = 5;
    while (first.substring(0, unique).equals(second.substring(0, unique))) {
      unique++;
    }
    assertThat(CliRun.run(dir, "cat", first.substring(0, unique).toUpperCase()).out)
        .isEqualTo(pair[0]);
    assertThat(CliRun.run(dir, "cat", "0000000").err)
        .startsWith("cairn: no ref or object '0000000' in the store");
  }
}
