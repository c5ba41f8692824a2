package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RefNameTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "HEAD",
        "main",
        "refs/heads/main",
        "refs/tags/v1.0",
        "a-b_c",
        "refs/heads/feature/x",
        "refs/heads/\u00e9t\u00e9",
        "refs/heads/emoji-\ud83d\ude00",
        "a.b",
        "refs/heads/x.locked",
        "refs/remotes/origin/HEAD",
        "@x",
        "x@y"
      })
  void gitValidNamesAreAccepted(String name) {
    assertThat(RefName.check(name)).isEqualTo(name);
    assertThat(RefName.isValid(name)).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|it is empty",
        "@|'@' alone is not a ref name",
        "/a|it starts with '/'",
        "a/|it ends with '/'",
        "a.|it ends with '.'",
        "a//b|it contains '//'",
        "a..b|it contains '..'",
        "a@{b|it contains '@{'",
        "a b|it contains ' ' at 1",
        "a~b|it contains '~' at 1",
        "a^b|it contains '^' at 1",
        "a:b|it contains ':' at 1",
        "a?b|it contains '?' at 1",
        "a*b|it contains '*' at 1",
        "a[b|it contains '[' at 1",
        "a\\b|it contains '\\' at 1",
        ".a|component '.a' starts with '.'",
        "refs/.a|component '.a' starts with '.'",
        "a.lock|component 'a.lock' ends with '.lock'",
        "refs/a.lock/b|component 'a.lock' ends with '.lock'",
      })
  void invalidNamesAreRejectedNamingTheRule(String name, String rule) {
    assertThatThrownBy(() -> RefName.check(name))
        .isInstanceOf(InvalidRefNameException.class)
        .hasMessageEndingWith(": " + rule)
        .satisfies(e -> assertThat(((InvalidRefNameException) e).name()).isEqualTo(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "a\nb", "a\tb", "a\u007fb", "\u001b[31m"})
  void controlCharactersAreRejectedAndEscapedInTheMessage(String name) {
    assertThatThrownBy(() -> RefName.check(name))
        .isInstanceOf(InvalidRefNameException.class)
        .hasMessageContaining("control character")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u0000", "\u001b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\ud800", "\udc00b"})
  void unpairedSurrogatesAreRejected(String name) {
    assertThatThrownBy(() -> RefName.check(name)).hasMessageContaining("unpaired surrogate");
  }

  @org.junit.jupiter.api.Test
  void lengthIsBoundedInBytes() {
    String component = "x".repeat(255);
    assertThat(RefName.isValid(component)).isTrue();
    assertThat(RefName.isValid(component + "x")).isFalse();
    String longName = (component + "/").repeat(4) + "y".repeat(3);
    assertThat(longName.length()).isEqualTo(1027);
    assertThatThrownBy(() -> RefName.check(longName))
        .hasMessageContaining("1027 bytes long; the limit is 1024");
    // 128 two-byte characters are 256 bytes: too long for one component.
    assertThat(RefName.isValid("\u00e9".repeat(128))).isFalse();
  }

  @org.junit.jupiter.api.Test
  void nullIsRejected() {
    assertThatThrownBy(() -> RefName.check(null))
        .isInstanceOf(InvalidRefNameException.class)
        .hasMessage("invalid ref name null: a ref name is required");
  }
}
