package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.cairn.spi.StoreSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * A value given to a sensitive option never appears in a message or a printed spec, however broken
 * the spec around it: each spec puts a marker at the start of a {@code password} value, follows it
 * with hostile text, and checks that the marker is never printed.
 */
class SecretsPropertyTest {
  private static final Stacks STACKS = Fakes.stacks(Fakes.withSecrets(Fakes.newLog()));
  private static final String MARKER = "Zq9";
  private static final int EXAMPLES =
      "full".equals(System.getProperty("cairn.budget")) ? 200_000 : 5_000;

  private static final List<String> PREFIXES =
      List.of(
          "vault:/v?password=",
          "vault(password=",
          "vault( password = ",
          "cache:vault:/v?user=a&password=",
          "mirror(primary=vault:/v?password=",
          "dsik:/v?password=",
          "cache(password=",
          "cache:?password=",
          "layered(upper=vault:?password=",
          "read-only:vault:?password=",
          "vault:/v?password=x&password=",
          "vault(password=x):/v?password=",
          "cache(child=vault:?password=");
  private static final List<String> HOSTILE =
      List.of(
          "a", "%", "%zz", "%FF", "(", ")", ",", "?", "&", "=", "#", " ", "\t", ":", "ab:",
          "memory:", "\u00a0", "\ud800", "x", "/", ";");
  private static final List<String> SUFFIXES =
      List.of("", ")", "):memory:", ":memory:", ", replica=memory:)", "&user=x", ")&x", "))", " ");

  @Test
  void aSensitiveValueIsNeverPrinted() {
    qt().withExamples(EXAMPLES)
        .forAll(specs())
        .checkAssert(
            spec -> {
              String printed;
              try {
                StoreSpec parsed = STACKS.parse(spec);
                printed = parsed.toString();
              } catch (StackSpecException e) {
                printed = e.toString();
              }
              assertThat(printed).as(spec).doesNotContain(MARKER);
            });
  }

  private static Gen<String> specs() {
    return in -> {
      StringBuilder out = new StringBuilder(pick(in, PREFIXES)).append(MARKER);
      long pieces = in.next(Constraint.between(0, 6));
      for (int i = 0; i < pieces; i++) {
        out.append(pick(in, HOSTILE));
      }
      return out.append(pick(in, SUFFIXES)).toString();
    };
  }

  private static String pick(org.quicktheories.core.RandomnessSource in, List<String> from) {
    return from.get((int) in.next(Constraint.between(0, from.size() - 1)));
  }
}
