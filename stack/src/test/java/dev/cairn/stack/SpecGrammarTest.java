package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.StoreSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What well-formed specs mean: the examples of STACK-SPEC.md and the corners of the grammar. */
class SpecGrammarTest {
  private static final Stacks STACKS = Fakes.stacks(Fakes.withSecrets(Fakes.newLog()));

  private static StoreSpec parse(String spec) {
    return STACKS.parse(spec);
  }

  private static StoreSpec disk(String path, Map<String, String> options) {
    return StoreSpec.leaf("disk", path, options);
  }

  private static final StoreSpec MEMORY = StoreSpec.leaf("memory", null, Map.of());

  @Test
  void theExamplesOfTheStackSpecMeanWhatItSays() {
    assertThat(parse("memory:")).isEqualTo(MEMORY);
    assertThat(parse("disk:/var/cairn?fsync=always"))
        .isEqualTo(disk("/var/cairn", Map.of("fsync", "always")));
    assertThat(parse("cache(capacity=100000):disk:/var/cairn"))
        .isEqualTo(
            StoreSpec.decorator(
                "cache", Map.of("capacity", "100000"), disk("/var/cairn", Map.of())));
    assertThat(parse("stats:read-only:disk:/mnt/snapshot"))
        .isEqualTo(
            StoreSpec.decorator(
                "stats",
                Map.of(),
                StoreSpec.decorator("read-only", Map.of(), disk("/mnt/snapshot", Map.of()))));
    assertThat(parse("layered(upper=memory:, lower=disk:/srv/base)"))
        .isEqualTo(
            StoreSpec.combinator(
                "layered",
                Map.of(),
                Map.of("upper", MEMORY, "lower", disk("/srv/base", Map.of()))));
    assertThat(parse("layered(upper=disk:/var/cairn, lower=lower:/srv/archive)"))
        .isEqualTo(
            StoreSpec.combinator(
                "layered",
                Map.of(),
                Map.of(
                    "upper",
                    disk("/var/cairn", Map.of()),
                    "lower",
                    StoreSpec.leaf("lower", "/srv/archive", Map.of()))));
    assertThat(
            parse(
                "cache(capacity=10000):layered(upper=disk:/tmp/scratch?fsync=never,"
                    + " lower=read-only:disk:/srv/base)"))
        .isEqualTo(
            StoreSpec.decorator(
                "cache",
                Map.of("capacity", "10000"),
                StoreSpec.combinator(
                    "layered",
                    Map.of(),
                    Map.of(
                        "upper", disk("/tmp/scratch", Map.of("fsync", "never")),
                        "lower",
                            StoreSpec.decorator(
                                "read-only", Map.of(), disk("/srv/base", Map.of()))))));
    assertThat(parse("disk:/data/My%20Blobs/set%2C2024%28old%29").locator())
        .hasValue("/data/My Blobs/set,2024(old)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "disk:C:/data          | C:/data",
        "disk:c:/data          | c:/data",
        "disk:ab%3A/x          | ab:/x",
        "disk:/%2541           | /%41",
        "disk:/%41             | /A",
        "disk:/d%C3%A9j%C3%A0  | /déjà",
        "disk:/déjà/日本        | /déjà/日本",
        "disk:x:y:z            | x:y:z",
      })
  void theRestAfterAColonIsAPathUnlessItStartsLikeAStore(String spec, String path) {
    assertThat(parse(spec).locator()).hasValue(path);
  }

  @Test
  void leafOptionsMayBeInParenthesesOrInTheQuery() {
    assertThat(parse("disk(fsync=always):/x")).isEqualTo(parse("disk:/x?fsync=always"));
    assertThat(parse("disk(fsync=always):/x?hash=sha1"))
        .isEqualTo(disk("/x", Map.of("fsync", "always", "hash", "sha1")));
    assertThat(parse("disk(fsync=always):/x")).hasToString("disk:/x?fsync=always");
  }

  @Test
  void whiteSpaceIsAllowedAroundParenthesesCommasAndEquals() {
    assertThat(parse("  cache ( capacity = 10 , max-bytes = 1k ) :memory:  "))
        .isEqualTo(parse("cache(capacity=10, max-bytes=1k):memory:"));
    assertThat(parse("layered(\n  upper = memory: ,\n  lower = disk:/x\n)"))
        .isEqualTo(parse("layered(upper=memory:, lower=disk:/x)"));
    assertThat(parse("disk:/x?fsync = never")).isEqualTo(parse("disk:/x?fsync=never"));
  }

  @Test
  void aDecoratorsChildMayBeNamedAsARole() {
    assertThat(parse("cache(capacity=1, child=memory:)"))
        .isEqualTo(parse("cache(capacity=1):memory:"));
  }

  @Test
  void aBareQueryKeyMeansTrue() {
    assertThat(parse("vault:/v?user").options()).containsEntry("user", "true");
  }

  @Test
  void emptyValuesAreValues() {
    assertThat(parse("vault:/v?user=").options()).containsEntry("user", "");
    assertThat(parse("mirror(policy=, primary=memory:, replica=memory:)").options())
        .containsEntry("policy", "");
  }

  @Test
  void anOptionValueMayLookLikeAStore() {
    StoreSpec spec = parse("mirror(policy=ab:c, primary=memory:, replica=memory:)");
    assertThat(spec.options()).containsEntry("policy", "ab:c");
    assertThat(parse(spec.toString())).isEqualTo(spec);
  }

  @Test
  void combinatorChildrenFollowTheDeclaredRoleOrder() {
    assertThat(parse("layered(lower=disk:/x, upper=memory:)").children().keySet())
        .containsExactly("upper", "lower");
    assertThat(parse("layered(lower=disk:/x, upper=memory:)"))
        .hasToString("layered(upper=memory:, lower=disk:/x)");
  }

  @Test
  void sensitiveOptionsAreKeptButPrintedMasked() {
    StoreSpec spec = parse("cache:vault:/v?password=hunter2&user=me");
    StoreSpec vault = spec.children().get(StoreSpec.CHILD);

    assertThat(vault.options()).containsEntry("password", "hunter2");
    assertThat(spec).hasToString("cache:vault:/v?password=****&user=me");
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    String spec = "cache:".repeat(SpecSyntax.MAX_DEPTH - 1) + "memory:";
    assertThat(parse(spec)).hasToString(spec);
  }
}
