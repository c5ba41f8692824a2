package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StoreSpecTest {
  private static final StoreSpec MEMORY = StoreSpec.leaf("memory", null, Map.of());

  @Test
  void leavesPrintOptionsAsAQuery() {
    assertThat(MEMORY).hasToString("memory:");
    assertThat(StoreSpec.leaf("disk", "/var/cairn", Map.of("fsync", "always", "hash", "sha1")))
        .hasToString("disk:/var/cairn?fsync=always&hash=sha1");
  }

  @Test
  void reservedCharactersInPathsArePercentEncoded() {
    assertThat(StoreSpec.leaf("disk", "/data/My Blobs/set,2024(old)", Map.of()))
        .hasToString("disk:/data/My%20Blobs/set%2C2024%28old%29");
    assertThat(StoreSpec.leaf("disk", "/a?b&c=d#e%f", Map.of()))
        .hasToString("disk:/a%3Fb%26c%3Dd%23e%25f");
  }

  @Test
  void aPathThatLooksLikeATermIsEscaped() {
    assertThat(StoreSpec.leaf("disk", "ab:c", Map.of())).hasToString("disk:ab%3Ac");
    assertThat(StoreSpec.leaf("disk", "C:/data", Map.of())).hasToString("disk:C:/data");
  }

  @Test
  void decoratorsAndCombinators() {
    StoreSpec cache =
        StoreSpec.decorator(
            "cache", Map.of("capacity", "10"), StoreSpec.leaf("disk", "/var/cairn", Map.of()));
    assertThat(cache).hasToString("cache(capacity=10):disk:/var/cairn");
    assertThat(StoreSpec.decorator("stats", Map.of(), MEMORY)).hasToString("stats:memory:");
    Map<String, StoreSpec> roles = new LinkedHashMap<>();
    roles.put("upper", MEMORY);
    roles.put("lower", StoreSpec.leaf("disk", "/srv/base", Map.of()));
    assertThat(StoreSpec.combinator("layered", Map.of(), roles))
        .hasToString("layered(upper=memory:, lower=disk:/srv/base)");
    assertThat(cache.children()).containsOnlyKeys(StoreSpec.CHILD);
  }

  @Test
  void sensitiveValuesAreMasked() {
    StoreSpec spec =
        StoreSpec.leaf("s3", "bucket", Map.of("secret", "hunter2"))
            .withSensitiveOptions(Set.of("secret"));
    assertThat(spec.toString()).doesNotContain("hunter2").contains("secret=****");
    assertThat(spec).isEqualTo(StoreSpec.leaf("s3", "bucket", Map.of("secret", "hunter2")));
  }

  @Test
  void typedOptionsParseOrFallBackToDefaults() {
    StoreOption<Long> capacity = StoreOption.number("capacity", 100, 1, 1000, "entries");
    StoreOption<Long> size = StoreOption.size("segment-size", 1 << 20, 1024, 1L << 32, "bytes");
    StoreOption<String> fsync = StoreOption.choice("fsync", "always", "when", "always", "never");
    StoreSpec spec = StoreSpec.leaf("disk", "/x", Map.of("capacity", "7", "segment-size", "64m"));
    assertThat(spec.get(capacity)).isEqualTo(7L);
    assertThat(spec.get(size)).isEqualTo(64L << 20);
    assertThat(spec.get(fsync)).isEqualTo("always");
    assertThat(size.parse("4 GiB")).isEqualTo(4L << 30);
    assertThat(size.parse("16k")).isEqualTo(16L << 10);
    assertThat(size.parse("2048")).isEqualTo(2048L);
  }

  @Test
  void aBadOptionValueNamesTheStoreTheOptionAndTheValue() {
    StoreOption<String> fsync = StoreOption.choice("fsync", "always", "when", "always", "never");
    StoreSpec spec = StoreSpec.leaf("disk", "/x", Map.of("fsync", "sometimes"));
    assertThatThrownBy(() -> spec.get(fsync))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessage(
            "in 'disk': bad value \"sometimes\" for option 'fsync': "
                + "expected one of [always, never]");
    StoreOption<Long> size = StoreOption.size("segment-size", 1 << 20, 1024, 1L << 32, "bytes");
    assertThatThrownBy(() -> StoreSpec.leaf("disk", "/x", Map.of("segment-size", "12")).get(size))
        .hasMessageContaining("bad value \"12\" for option 'segment-size'");
  }

  @Test
  void aSensitiveBadValueIsMaskedInTheError() {
    StoreOption<Long> pin = StoreOption.number("pin", 0, 0, 9999, "a pin").asSensitive();
    assertThatThrownBy(() -> StoreSpec.leaf("vault", null, Map.of("pin", "12x45")).get(pin))
        .hasMessageContaining("bad value **** for option 'pin'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("12x45"));
  }

  @Test
  void aRequiredOptionWithoutDefaultIsReported() {
    StoreOption<String> bucket = StoreOption.string("bucket", null, "the bucket");
    assertThatThrownBy(() -> MEMORY.get(bucket))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessage("'memory' requires option 'bucket' (string)");
  }

  @Test
  void badNamesAreRejected() {
    assertThatThrownBy(() -> StoreSpec.leaf("X", null, Map.of())).hasMessageContaining("\"X\"");
    assertThatThrownBy(() -> StoreSpec.leaf("a", null, Map.of())).hasMessageContaining("\"a\"");
  }

  @Test
  void givenTellsAnAbsentOptionFromItsDefault() {
    StoreOption<Long> capacity = StoreOption.number("capacity", 100, 1, 1000, "Entries kept.");
    StoreSpec given = StoreSpec.leaf("cache", null, Map.of("capacity", "100"));
    assertThat(given.given(capacity)).contains(100L);
    assertThat(MEMORY.given(capacity)).isEmpty();
    assertThat(MEMORY.get(capacity)).isEqualTo(100L);
    assertThatThrownBy(
            () -> StoreSpec.leaf("cache", null, Map.of("capacity", "lots")).given(capacity))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessage(
            "in 'cache': bad value \"lots\" for option 'capacity': expected a whole "
                + "number from 1 to 1000");
  }

  @Test
  void theHashOptionListsTheAlgorithmsAndDefaultsToTheStoresOwn() {
    StoreOption<String> hash = StoreOption.hashAlgorithm("the hash of a new store");
    assertThat(hash.name()).isEqualTo("hash");
    assertThat(hash.type())
        .isEqualTo(
            "a hash algorithm: one of [sha1, sha256] or one a "
                + "plugin provides; default: the store's own");
    assertThat(hash.defaultValue()).isEmpty();
    assertThat(MEMORY.given(hash)).isEmpty();
    assertThat(StoreSpec.leaf("example", null, Map.of("hash", "sha1")).given(hash))
        .contains("sha1");
    assertThatThrownBy(() -> hash.parse("SHA 1"))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageStartingWith(
            "bad value \"SHA 1\" for option 'hash': expected a hash "
                + "algorithm: one of [sha1, sha256]");
  }

  @Test
  void theLexicalRulesAreTheGrammars() {
    assertThat(StoreSpec.isStoreTypeName("disk")).isTrue();
    assertThat(StoreSpec.isStoreTypeName("d")).as("one letter is too short").isFalse();
    assertThat(StoreSpec.isStoreTypeName("Disk")).isFalse();
    assertThat(StoreSpec.isStoreTypeName("a".repeat(32))).isTrue();
    assertThat(StoreSpec.isStoreTypeName("a".repeat(33))).isFalse();
    assertThat(StoreSpec.isKey("x")).isTrue();
    assertThat(StoreSpec.isKey("max-bytes")).isTrue();
    assertThat(StoreSpec.isKey("a".repeat(65))).isFalse();
    assertThat(StoreSpec.isKey("1x")).isFalse();
    for (char c : "%(),?&=# \t\n\u007f\u00a0\u2028".toCharArray()) {
      assertThat(StoreSpec.mustBeEncoded(c)).as("U+%04X", (int) c).isTrue();
    }
    for (char c : "az09-_./:\u00e9".toCharArray()) {
      assertThat(StoreSpec.mustBeEncoded(c)).as("U+%04X", (int) c).isFalse();
    }
    assertThat(StoreSpec.encode("a b(c)%\u00a0\ud800")).isEqualTo("a%20b%28c%29%25%C2%A0%3F");
    assertThat(StoreSpec.startsLikeTerm("ab:c", 0, 4)).isTrue();
    assertThat(StoreSpec.startsLikeTerm("cache (x)", 0, 9)).isTrue();
    assertThat(StoreSpec.startsLikeTerm("/ab:c", 0, 5)).isFalse();
    assertThat(StoreSpec.startsLikeTerm("a:c", 0, 3)).as("one letter is no name").isFalse();
  }

  @Test
  void aLocatorThatWouldReadAsATermIsPrintedEscaped() {
    StoreSpec spec = StoreSpec.leaf("disk", "ab:c", Map.of());
    assertThat(spec.toString()).isEqualTo("disk:ab%3Ac");
  }
}
