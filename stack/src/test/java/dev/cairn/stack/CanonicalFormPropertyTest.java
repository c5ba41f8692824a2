package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.cairn.spi.StoreSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * {@code parse(spec.toString()).equals(spec)} for random spec trees over the fake store types, with
 * hostile text in paths and values: reserved characters, escapes, white space, control characters,
 * non-ASCII, surrogate pairs, and prefixes that read like a store ({@code ab:}).
 */
class CanonicalFormPropertyTest {
  private static final Stacks STACKS = Fakes.stacks(Fakes.withSecrets(Fakes.newLog()));
  private static final int EXAMPLES =
      "full".equals(System.getProperty("cairn.budget")) ? 200_000 : 5_000;

  /** Single characters and fragments that stress the grammar. */
  private static final List<String> PIECES =
      List.of(
          "a",
          "z",
          "0",
          "9",
          "-",
          "_",
          ".",
          "/",
          "\\",
          ":",
          ";",
          "%",
          "(",
          ")",
          "?",
          "&",
          "=",
          "#",
          ",",
          "'",
          "\"",
          "!",
          "~",
          "*",
          "+",
          "@",
          "$",
          "[",
          "]",
          "{",
          "}",
          "<",
          ">",
          "|",
          "^",
          "`",
          " ",
          "\t",
          "\n",
          "\r",
          "\u0000",
          "\u007f",
          "\u0085",
          "\u00a0",
          "\u2028",
          "\u3000",
          "\ufeff",
          "\u00e9",
          "\u00df",
          "\u65e5\u672c",
          "\ud83d\ude00",
          "ab:",
          "ab(",
          "memory:",
          "cache(capacity=1):",
          "%41",
          "%25",
          "C:",
          "x:y",
          "disk:/",
          "?fsync=always",
          "****");

  @Test
  void everySpecReadsBackAsItself() {
    qt().withExamples(EXAMPLES)
        .forAll(specs(false))
        .checkAssert(
            spec -> {
              String canonical = spec.toString();
              StoreSpec reread = STACKS.parse(canonical);
              assertThat(reread).as(canonical).isEqualTo(spec);
              assertThat(reread.toString()).isEqualTo(canonical);
            });
  }

  @Test
  void sensitiveValuesReadBackMasked() {
    qt().withExamples(EXAMPLES / 5)
        .forAll(specs(true))
        .checkAssert(
            spec -> {
              String canonical = spec.toString();
              StoreSpec reread = STACKS.parse(canonical);
              assertThat(reread).as(canonical).isEqualTo(masked(spec));
              assertThat(canonical).doesNotContain("secret-");
            });
  }

  /** {@code spec} with each password replaced by what its canonical form prints. */
  private static StoreSpec masked(StoreSpec spec) {
    if (spec.isLeaf()) {
      Map<String, String> options = new LinkedHashMap<>(spec.options());
      options.replaceAll((k, v) -> k.equals("password") ? StoreSpec.MASK : v);
      return StoreSpec.leaf(spec.name(), spec.locator().orElse(null), options);
    }
    Map<String, StoreSpec> children = new LinkedHashMap<>();
    spec.children().forEach((role, child) -> children.put(role, masked(child)));
    return StoreSpec.combinator(spec.name(), spec.options(), children);
  }

  private static Gen<StoreSpec> specs(boolean secrets) {
    return in -> spec(in, 0, secrets);
  }

  private static StoreSpec spec(RandomnessSource in, int depth, boolean secrets) {
    int kind = pick(in, 0, depth >= 3 ? 3 : 9);
    Map<String, String> options = new LinkedHashMap<>();
    switch (kind) {
      case 0:
        return StoreSpec.leaf("memory", maybeText(in), Map.of());
      case 1:
        if (pick(in, 0, 1) == 0) {
          options.put("fsync", List.of("always", "batch", "never").get(pick(in, 0, 2)));
        }
        if (pick(in, 0, 1) == 0) {
          options.put("segment-size", List.of("1m", "2097152", "4GiB").get(pick(in, 0, 2)));
        }
        return StoreSpec.leaf("disk", text(in), options);
      case 2:
        if (pick(in, 0, 1) == 0) {
          options.put("user", text(in));
        }
        if (secrets) {
          options.put("password", "secret-" + text(in));
        }
        return StoreSpec.leaf("vault", maybeText(in), options)
            .withSensitiveOptions(Set.of("password"));
      case 3:
        return StoreSpec.leaf("lower", maybeText(in), Map.of());
      case 4:
        if (pick(in, 0, 1) == 0) {
          options.put("capacity", Long.toString(in.next(Constraint.between(1, Long.MAX_VALUE))));
        }
        return StoreSpec.decorator("cache", options, spec(in, depth + 1, secrets));
      case 5:
        return StoreSpec.decorator("read-only", options, spec(in, depth + 1, secrets));
      case 6:
        return StoreSpec.decorator(
            pick(in, 0, 1) == 0 ? "stats" : "verify", options, spec(in, depth + 1, secrets));
      case 7:
        {
          Map<String, StoreSpec> children = new LinkedHashMap<>();
          children.put("upper", spec(in, depth + 1, secrets));
          children.put("lower", spec(in, depth + 1, secrets));
          return StoreSpec.combinator("layered", options, children);
        }
      default:
        {
          if (pick(in, 0, 1) == 0) {
            options.put("policy", text(in));
          }
          Map<String, StoreSpec> children = new LinkedHashMap<>();
          children.put("primary", spec(in, depth + 1, secrets));
          children.put("replica", spec(in, depth + 1, secrets));
          return StoreSpec.combinator("mirror", options, children);
        }
    }
  }

  private static String maybeText(RandomnessSource in) {
    return pick(in, 0, 3) == 0 ? null : text(in);
  }

  private static String text(RandomnessSource in) {
    StringBuilder out = new StringBuilder();
    int pieces = pick(in, 0, 10);
    for (int i = 0; i < pieces; i++) {
      out.append(PIECES.get(pick(in, 0, PIECES.size() - 1)));
    }
    return out.toString();
  }

  private static int pick(RandomnessSource in, int min, int max) {
    return (int) in.next(Constraint.between(min, max));
  }
}
