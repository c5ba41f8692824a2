package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --json} output is valid JSON whatever a ref name or an error message holds. */
class JsonTest {
  @Test
  void stringsEscapeQuotesBackslashesAndEveryControlCharacter() {
    assertThat(Json.write("a\"b\\c\nd\re\tf\u0000g\u001fh\u007fi"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0000g\\u001fh\u007fi\"");
  }

  @Test
  void textBeyondAsciiPassesAsItIs() {
    assertThat(Json.write("refs/heads/café-\uD83D\uDE00"))
        .isEqualTo("\"refs/heads/café-\uD83D\uDE00\"");
  }

  @Test
  void mapsListsNumbersAndBooleansNest() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("objects", 3L);
    value.put("ratio", 0.5);
    value.put("nan", Double.NaN);
    value.put("ok", true);
    value.put("refs", List.of("HEAD", "refs/heads/\"x\""));
    value.put("none", null);
    assertThat(Json.write(value))
        .isEqualTo(
            "{\"objects\":3,\"ratio\":0.500,\"nan\":null,\"ok\":true,"
                + "\"refs\":[\"HEAD\",\"refs/heads/\\\"x\\\"\"],\"none\":null}");
  }
}
