package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed specs and the exact problems each must report, in order. Read against fake store types
 * (the eight of STACK-SPEC.md; "secret" rows add {@code vault:} with a sensitive {@code password}
 * and the combinator {@code mirror}), so that the table does not depend on real backends.
 */
class SpecErrorTableTest {
  private static final Stacks PLAIN = Fakes.stacks(Fakes.stackSpecTypes(Fakes.newLog()));
  private static final Stacks SECRET = Fakes.stacks(Fakes.withSecrets(Fakes.newLog()));

  /** Every secret value the "secret" rows use; none may appear in any message. */
  private static final String DEEP = "cache:".repeat(70) + "memory:";

  private static final List<String> SECRETS = List.of("hunter", "s3cret", "zzter", "other");

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource("rows")
  void reportsEveryProblemWithItsExactMessage(String kind, String spec, List<String> expected) {
    Stacks stacks = kind.equals("secret") ? SECRET : PLAIN;

    StackSpecException e = catchThrowableOfType(StackSpecException.class, () -> stacks.parse(spec));

    assertThat(e).as("spec %s must be rejected", spec).isNotNull();
    assertThat(e.problems()).containsExactlyElementsOf(expected);
    assertThat(e.getMessage())
        .isEqualTo(
            expected.size() == 1
                ? expected.get(0)
                : expected.size() + " problems:\n  " + String.join("\n  ", expected));
    if (kind.equals("secret")) {
      for (String secret : SECRETS) {
        assertThat(e.toString()).doesNotContain(secret);
      }
    }
  }

  @Test
  void aSpecWithVeryManyProblemsListsTheFirstTwentyAndSaysThereAreMore() {
    String spec = "disk:/" + "%zz".repeat(25);

    StackSpecException e = catchThrowableOfType(StackSpecException.class, () -> PLAIN.parse(spec));

    assertThat(e.problems()).hasSize(SpecBinding.MAX_REPORTED);
    assertThat(e.problems().get(0)).startsWith("bad percent escape '%zz' at 6 in");
    assertThat(e.problems().get(19)).startsWith("bad percent escape '%zz' at 63 in");
    assertThat(e.getMessage())
        .startsWith("20 problems, and more not listed:\n  bad percent escape");
  }

  @Test
  void aVeryLongSpecIsQuotedCutShort() {
    String spec = "disk:/" + "a".repeat(5000) + " b";

    StackSpecException e = catchThrowableOfType(StackSpecException.class, () -> PLAIN.parse(spec));

    assertThat(e.getMessage())
        .isEqualTo(
            "white space U+0020 at 5006 in \"disk:/"
                + "a".repeat(994)
                + "\"...(5008 chars in all) must be percent-encoded as %20 in a path"
                + " or value");
  }

  @Test
  void aSpecLongerThanTheLimitIsRejectedUnread() {
    String spec = "disk:/" + "(".repeat(SpecSyntax.MAX_LENGTH);

    StackSpecException e = catchThrowableOfType(StackSpecException.class, () -> PLAIN.parse(spec));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .startsWith("spec too long: 65542 chars at 0 in \"disk:/(((")
        .endsWith("\"...(65542 chars in all); at most 65536");
  }

  @Test
  void tableHasMoreThanAHundredMalformedSpecs() {
    assertThat(rows().map(a -> a.get()[1]).distinct().count()).isGreaterThan(100);
  }

  private static Arguments plain(String spec, String... problems) {
    return Arguments.of("plain", spec, List.of(problems));
  }

  private static Arguments secret(String spec, String... problems) {
    return Arguments.of("secret", spec, List.of(problems));
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        plain(
            "",
            "empty spec at 0 in \"\"; a spec starts with a store type, one of: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "   ",
            "empty spec at 3 in \"   \"; a spec starts with a store type, one of: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "\t\n",
            "empty spec at 4 in \"\\t\\n\"; a spec starts with a store type, one of: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "cache(capacity=1:memory:",
            "unbalanced parenthesis: '(' at 5 in \"cache(capacity=1:memory:\" is never closed"),
        plain(
            "cache(capacity=1)):memory:",
            "unbalanced parenthesis: ')' at 17 in \"cache(capacity=1)):memory:\" closes nothing"),
        plain(
            "layered(upper=memory:, lower=disk:/x",
            "unbalanced parenthesis: '(' at 7 in \"layered(upper=memory:, lower=disk:/x\" is never closed"),
        plain(")memory:", "unbalanced parenthesis: ')' at 0 in \")memory:\" closes nothing"),
        plain("memory:)", "unbalanced parenthesis: ')' at 7 in \"memory:)\" closes nothing"),
        plain(
            "layered((upper=memory:, lower=memory:)",
            "unbalanced parenthesis: '(' at 7 in \"layered((upper=memory:, lower=memory:)\" is never closed"),
        plain("disk:/a(b", "unbalanced parenthesis: '(' at 7 in \"disk:/a(b\" is never closed"),
        plain("disk:/a)b", "unbalanced parenthesis: ')' at 7 in \"disk:/a)b\" closes nothing"),
        plain(
            "cache:dsik:/var/data",
            "unknown store type 'dsik' at 6 in \"cache:dsik:/var/data\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'disk'?)"),
        plain(
            "dsik:/var/data",
            "unknown store type 'dsik' at 0 in \"dsik:/var/data\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'disk'?)"),
        plain(
            "Memory:",
            "unknown store type 'Memory' at 0 in \"Memory:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'memory'?)"),
        plain(
            "memroy:",
            "unknown store type 'memroy' at 0 in \"memroy:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'memory'?)"),
        plain(
            "mem:",
            "unknown store type 'mem' at 0 in \"mem:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "s3:bucket",
            "unknown store type 's3' at 0 in \"s3:bucket\"; known: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "layered(upper=memory:, lower=dsik:/x)",
            "unknown store type 'dsik' at 29 in \"layered(upper=memory:, lower=dsik:/x)\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'disk'?)"),
        plain(
            "cache(capacity=1):stat:memory:",
            "unknown store type 'stat' at 18 in \"cache(capacity=1):stat:memory:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'stats'?)"),
        plain(
            "x:",
            "unknown store type 'x' at 0 in \"x:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "MEMORY:",
            "unknown store type 'MEMORY' at 0 in \"MEMORY:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'memory'?)"),
        plain(
            "read_only:memory:",
            "unknown store type 'read_only' at 0 in \"read_only:memory:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'read-only'?)"),
        plain(
            "verfy:memory:",
            "unknown store type 'verfy' at 0 in \"verfy:memory:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'verify'?)"),
        plain(
            "lyered(upper=memory:, lower=memory:)",
            "unknown store type 'lyered' at 0 in \"lyered(upper=memory:, lower=memory:)\"; known: cache, disk, layered, lower, memory, read-only, stats, verify (did you mean 'layered'?)"),
        plain(
            "foo:bar:baz:",
            "unknown store type 'foo' at 0 in \"foo:bar:baz:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify",
            "unknown store type 'bar' at 4 in \"foo:bar:baz:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify",
            "unknown store type 'baz' at 8 in \"foo:bar:baz:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "cache.v2:memory:",
            "unknown store type 'cache.v2' at 0 in \"cache.v2:memory:\"; known: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "cache:disk:/var/data?capacity=1000",
            "option 'capacity' is not accepted by 'disk' at 21 in \"cache:disk:/var/data?capacity=1000\"; disk accepts [fsync, hash, segment-size]; write cache(capacity=1000):disk:/var/data"),
        plain(
            "disk:/var/data?capacity=1000",
            "option 'capacity' is not accepted by 'disk' at 15 in \"disk:/var/data?capacity=1000\"; disk accepts [fsync, hash, segment-size]; it is an option of cache"),
        plain(
            "cache(fsync=always):disk:/x",
            "option 'fsync' is not accepted by 'cache' at 6 in \"cache(fsync=always):disk:/x\"; cache accepts [capacity, max-bytes]; write cache:disk:/x?fsync=always"),
        plain(
            "memory:?fsnyc=always",
            "option 'fsnyc' is not accepted by 'memory' at 8 in \"memory:?fsnyc=always\"; memory accepts no options"),
        plain(
            "disk:/x?fsnyc=always",
            "option 'fsnyc' is not accepted by 'disk' at 8 in \"disk:/x?fsnyc=always\"; disk accepts [fsync, hash, segment-size] (did you mean 'fsync'?)"),
        plain(
            "cache(capacty=10):memory:",
            "option 'capacty' is not accepted by 'cache' at 6 in \"cache(capacty=10):memory:\"; cache accepts [capacity, max-bytes] (did you mean 'capacity'?)"),
        plain(
            "read-only(capacity=10):memory:",
            "option 'capacity' is not accepted by 'read-only' at 10 in \"read-only(capacity=10):memory:\"; read-only accepts no options; it is an option of cache"),
        plain(
            "stats:cache:disk:/x?capacity=5&fsync=never",
            "option 'capacity' is not accepted by 'disk' at 20 in \"stats:cache:disk:/x?capacity=5&fsync=never\"; disk accepts [fsync, hash, segment-size]; write stats:cache(capacity=5):disk:/x?fsync=never"),
        plain(
            "layered(capacity=5, upper=memory:, lower=memory:)",
            "option 'capacity' is not accepted by 'layered' at 8 in \"layered(capacity=5, upper=memory:, lower=memory:)\"; layered accepts no options; it is an option of cache"),
        plain(
            "cache(capacity=5):cache(capacity=6):disk:/x?capacity=7",
            "option 'capacity' is not accepted by 'disk' at 44 in \"cache(capacity=5):cache(capacity=6):disk:/x?capacity=7\"; disk accepts [fsync, hash, segment-size]; it is an option of cache"),
        plain(
            "disk:/x?Fsync=always",
            "option 'Fsync' is not accepted by 'disk' at 8 in \"disk:/x?Fsync=always\"; disk accepts [fsync, hash, segment-size] (did you mean 'fsync'?)"),
        plain(
            "cache:disk:/x?capacity=1&max-bytes=10",
            "option 'capacity' is not accepted by 'disk' at 14 in \"cache:disk:/x?capacity=1&max-bytes=10\"; disk accepts [fsync, hash, segment-size]; write cache(capacity=1, max-bytes=10):disk:/x",
            "option 'max-bytes' is not accepted by 'disk' at 25 in \"cache:disk:/x?capacity=1&max-bytes=10\"; disk accepts [fsync, hash, segment-size]; write cache(capacity=1, max-bytes=10):disk:/x"),
        plain(
            "cache(capacity=10):memory:?fsync=always",
            "option 'fsync' is not accepted by 'memory' at 27 in \"cache(capacity=10):memory:?fsync=always\"; memory accepts no options; it is an option of disk"),
        plain(
            "layered(upper=cache:memory:, lower=disk:/x?capacity=9)",
            "option 'capacity' is not accepted by 'disk' at 43 in \"layered(upper=cache:memory:, lower=disk:/x?capacity=9)\"; disk accepts [fsync, hash, segment-size]; write layered(upper=cache(capacity=9):memory:, lower=disk:/x)"),
        plain(
            "cache(capacity=1, capacity=2):memory:",
            "'capacity' of 'cache' at 18 in \"cache(capacity=1, capacity=2):memory:\" is given twice"),
        plain(
            "disk:/x?fsync=always&fsync=never",
            "'fsync' of 'disk' at 21 in \"disk:/x?fsync=always&fsync=never\" is given twice"),
        plain(
            "disk(fsync=always):/x?fsync=never",
            "option 'fsync' of 'disk' at 22 in \"disk(fsync=always):/x?fsync=never\" is given both in parentheses and in the query"),
        plain(
            "layered(upper=memory:, upper=memory:, lower=memory:)",
            "'upper' of 'layered' at 23 in \"layered(upper=memory:, upper=memory:, lower=memory:)\" is given twice"),
        plain(
            "cache(child=memory:):memory:",
            "decorator 'cache' at 21 in \"cache(child=memory:):memory:\" has its child given twice, as child= and after ':'"),
        plain(
            "layered(upper=memory:)",
            "'layered' at 0 in \"layered(upper=memory:)\" requires roles [upper, lower]; missing: lower"),
        plain(
            "layered()",
            "'layered' at 0 in \"layered()\" requires roles [upper, lower]; missing: upper, lower"),
        plain(
            "layered(lower=memory:)",
            "'layered' at 0 in \"layered(lower=memory:)\" requires roles [upper, lower]; missing: upper"),
        plain("layered", "missing ':' after 'layered' at 7 in \"layered\"; write layered:"),
        plain(
            "layered:",
            "'layered' at 0 in \"layered:\" requires roles [upper, lower]; missing: upper, lower"),
        plain(
            "layered(uper=memory:, lower=memory:)",
            "'layered' at 0 in \"layered(uper=memory:, lower=memory:)\" requires roles [upper, lower]; missing: upper",
            "unknown role 'uper' of 'layered' at 8 in \"layered(uper=memory:, lower=memory:)\"; layered has roles [upper, lower] (did you mean 'upper'?)"),
        plain(
            "layered(upper=memory:, lower=memory:, middle=memory:)",
            "unknown role 'middle' of 'layered' at 38 in \"layered(upper=memory:, lower=memory:, middle=memory:)\"; layered has roles [upper, lower]"),
        plain(
            "layered(upper=memory:, lower=memory:):memory:",
            "combinator 'layered' at 38 in \"layered(upper=memory:, lower=memory:):memory:\" takes its stores by role in parentheses, not after ':'; write layered(upper=..., lower=...)"),
        plain(
            "layered(upper=memory:, lower=memory:):/x",
            "combinator 'layered' at 38 in \"layered(upper=memory:, lower=memory:):/x\" takes its stores by role in parentheses, not after ':'; write layered(upper=..., lower=...)"),
        plain(
            "layered(memory:, memory:)",
            "'layered' at 0 in \"layered(memory:, memory:)\" requires roles [upper, lower]; missing: upper, lower",
            "the store at 8 in \"layered(memory:, memory:)\" inside 'layered(...)' needs a role: write role=store with a role of [upper, lower]",
            "the store at 17 in \"layered(memory:, memory:)\" inside 'layered(...)' needs a role: write role=store with a role of [upper, lower]"),
        plain(
            "layered(upper=, lower=memory:)",
            "'layered' at 0 in \"layered(upper=, lower=memory:)\" requires roles [upper, lower]; missing: upper",
            "role 'upper' of 'layered' at 14 in \"layered(upper=, lower=memory:)\" needs a store, written type: or type(...)"),
        plain(
            "layered(upper=/tmp/x, lower=memory:)",
            "'layered' at 0 in \"layered(upper=/tmp/x, lower=memory:)\" requires roles [upper, lower]; missing: upper",
            "role 'upper' of 'layered' at 14 in \"layered(upper=/tmp/x, lower=memory:)\" needs a store, written type: or type(...)"),
        plain(
            "layered(upper=Memory:, lower=memory:)",
            "'layered' at 0 in \"layered(upper=Memory:, lower=memory:)\" requires roles [upper, lower]; missing: upper",
            "role 'upper' of 'layered' at 14 in \"layered(upper=Memory:, lower=memory:)\" needs a store, written type: or type(...)"),
        plain("cache:", "decorator 'cache' at 0 in \"cache:\" has no child; write cache:<store>"),
        plain(
            "cache(capacity=10)",
            "decorator 'cache' at 0 in \"cache(capacity=10)\" has no child; write cache:<store>"),
        plain(
            "cache(capacity=10):",
            "decorator 'cache' at 0 in \"cache(capacity=10):\" has no child; write cache:<store>"),
        plain(
            "read-only:/mnt/snapshot",
            "decorator 'read-only' at 10 in \"read-only:/mnt/snapshot\" has no child; '/mnt/snapshot' is a locator, which only a leaf store takes; write read-only:<store>"),
        plain(
            "stats:read-only:",
            "decorator 'read-only' at 6 in \"stats:read-only:\" has no child; write read-only:<store>"),
        plain(
            "cache:Memory:",
            "decorator 'cache' at 6 in \"cache:Memory:\" has no child; 'Memory:' is a locator, which only a leaf store takes; write cache:<store>"),
        plain(
            "cache:?capacity=1",
            "decorator 'cache' at 6 in \"cache:?capacity=1\" has no child; '?capacity=1' is a locator, which only a leaf store takes; write cache:<store>"),
        plain(
            "cache(child=memory:):/x",
            "decorator 'cache' at 21 in \"cache(child=memory:):/x\" takes no locator; '/x' is"
                + " one, which only a leaf store takes"),
        plain("verify", "missing ':' after 'verify' at 6 in \"verify\"; write verify:"),
        plain(
            "disk:ab:/x",
            "'disk' at 5 in \"disk:ab:/x\" is a leaf store and takes a locator, not a store; encode the first ':' of a path as %3A"),
        plain(
            "memory:cache:memory:",
            "'memory' at 7 in \"memory:cache:memory:\" is a leaf store and takes a locator, not a store; encode the first ':' of a path as %3A"),
        plain(
            "disk(upper=memory:):/x",
            "'disk' at 5 in \"disk(upper=memory:):/x\" is a leaf store and takes no store 'upper'"),
        plain(
            "memory(memory:)",
            "'memory' at 7 in \"memory(memory:)\" is a leaf store and takes no store in parentheses"),
        plain(
            "disk:/a%zz",
            "bad percent escape '%zz' at 7 in \"disk:/a%zz\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/a%2",
            "bad percent escape '%2' at 7 in \"disk:/a%2\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/a%",
            "bad percent escape '%' at 7 in \"disk:/a%\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/a%FF",
            "bad percent escape '%FF' at 7 in \"disk:/a%FF\": the escaped bytes are not UTF-8"),
        plain(
            "disk:/a%C3%28",
            "bad percent escape '%C3%28' at 7 in \"disk:/a%C3%28\": the escaped bytes are not UTF-8"),
        plain(
            "cache(capacity=1%):memory:",
            "bad percent escape '%' at 16 in \"cache(capacity=1%):memory:\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/x?fsync=alw%ays",
            "bad percent escape '%ay' at 17 in \"disk:/x?fsync=alw%ays\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/%G0",
            "bad percent escape '%G0' at 6 in \"disk:/%G0\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/a%%41",
            "bad percent escape '%%4' at 7 in \"disk:/a%%41\"; an escape is '%' and two hex digits, and '%' itself is written %25"),
        plain(
            "disk:/My Blobs",
            "white space U+0020 at 8 in \"disk:/My Blobs\" must be percent-encoded as %20 in a path or value"),
        plain(
            "disk:/a,b",
            "',' at 7 in \"disk:/a,b\" must be percent-encoded as %2C in a path or value"),
        plain(
            "disk:/a=b",
            "'=' at 7 in \"disk:/a=b\" must be percent-encoded as %3D in a path or value"),
        plain(
            "disk:/a&b",
            "'&' at 7 in \"disk:/a&b\" must be percent-encoded as %26 in a path or value"),
        plain(
            "disk:/a#b",
            "'#' at 7 in \"disk:/a#b\" must be percent-encoded as %23 in a path or value"),
        plain(
            "disk:/x?fsync=al ways",
            "white space U+0020 at 16 in \"disk:/x?fsync=al ways\" must be percent-encoded as %20 in a path or value"),
        plain(
            "disk:/a\tb",
            "white space U+0009 at 7 in \"disk:/a\\tb\" must be percent-encoded as %09 in a path or value"),
        plain(
            "disk:/a\u0000b",
            "U+0000 at 7 in \"disk:/a\\u0000b\" must be percent-encoded as %00 in a path or value"),
        plain(
            "disk:/a\u00a0b",
            "white space U+00A0 at 7 in \"disk:/a\u00a0b\" must be percent-encoded as %C2%A0 in a path or value"),
        plain(
            "disk:/a\ud800b",
            "unpaired surrogate U+D800 at 7 in \"disk:/a\\ud800b\"; a spec is Unicode text"),
        plain(
            "disk:/x?fsync=a?b",
            "'?' at 15 in \"disk:/x?fsync=a?b\" must be percent-encoded as %3F in a path or value"),
        plain(
            "disk:/a(b)",
            "'(' at 7 in \"disk:/a(b)\" must be percent-encoded as %28 in a path or value",
            "')' at 9 in \"disk:/a(b)\" must be percent-encoded as %29 in a path or value"),
        plain("memory", "missing ':' after 'memory' at 6 in \"memory\"; write memory:"),
        plain(
            "memory()x",
            "unexpected 'x' at 8 in \"memory()x\" after ')'; expected ':' or the end of the store"),
        plain(
            "cache(capacity=1)memory:",
            "unexpected 'm' at 17 in \"cache(capacity=1)memory:\" after ')'; expected ':' or the end of the store"),
        plain(
            "cache(,capacity=1):memory:",
            "empty argument at 6 in \"cache(,capacity=1):memory:\"; parentheses hold key=value pairs separated by ','"),
        plain(
            "cache(capacity=1,):memory:",
            "empty argument at 17 in \"cache(capacity=1,):memory:\"; parentheses hold key=value pairs separated by ','"),
        plain(
            "cache(capacity):memory:",
            "option 'capacity' at 6 in \"cache(capacity):memory:\" has no value; in parentheses write capacity=value"),
        plain("cache(=1):memory:", "missing option name before '=' at 6 in \"cache(=1):memory:\""),
        plain(
            "disk:/x?",
            "empty option at 8 in \"disk:/x?\"; a query holds key=value pairs separated by '&'"),
        plain(
            "disk:/x?&fsync=always",
            "empty option at 8 in \"disk:/x?&fsync=always\"; a query holds key=value pairs separated by '&'"),
        plain("disk:/x?=always", "missing option name before '=' at 8 in \"disk:/x?=always\""),
        plain(
            "/var/cairn",
            "expected a store type at 0 in \"/var/cairn\"; a store starts with its type and ':', one of: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            ":memory:",
            "expected a store type at 0 in \":memory:\"; a store starts with its type and ':', one of: cache, disk, layered, lower, memory, read-only, stats, verify"),
        plain(
            "cache :memory:",
            "unexpected white space U+0020 at 5 in \"cache :memory:\" after 'cache'; expected ':' or '('"),
        plain(
            "cache$:memory:",
            "unexpected '$' at 5 in \"cache$:memory:\" after 'cache'; expected ':' or '('"),
        plain(DEEP, "the store at 384 in \"" + DEEP + "\" nests deeper than 64 stores"),
        plain(
            "layered(upper=memory:, lower=memory:) x",
            "unexpected 'x' at 38 in \"layered(upper=memory:, lower=memory:) x\" after ')'; expected ':' or the end of the store"),
        plain(
            "cache(capacity=abc):memory:",
            "option 'capacity' of 'cache' at 6 in \"cache(capacity=abc):memory:\": bad value \"abc\" for option 'capacity': expected a whole number from 1 to 9223372036854775807"),
        plain(
            "cache(capacity=0):memory:",
            "option 'capacity' of 'cache' at 6 in \"cache(capacity=0):memory:\": bad value \"0\" for option 'capacity': expected a whole number from 1 to 9223372036854775807"),
        plain(
            "disk:/x?fsync=sometimes",
            "option 'fsync' of 'disk' at 8 in \"disk:/x?fsync=sometimes\": bad value \"sometimes\" for option 'fsync': expected one of [always, batch, never]"),
        plain(
            "disk:/x?segment-size=1t",
            "option 'segment-size' of 'disk' at 8 in \"disk:/x?segment-size=1t\": bad value \"1t\" for option 'segment-size': expected a size from 1048576 to 4294967296 bytes (units k, m, g)"),
        plain(
            "disk:\"quoted\\path\"?fsync=often",
            "option 'fsync' of 'disk' at 22 in \"disk:\\\"quoted\\\\path\\\"?fsync=often\": bad value \"often\" for option 'fsync': expected one of [always, batch, never]"),
        secret(
            "vault:/v?password=hunter2&usr=me",
            "option 'usr' is not accepted by 'vault' at 23 in \"vault:/v?password=****&usr=me\"; vault accepts [password, user] (did you mean 'user'?)"),
        secret(
            "cache(password=hunter2):vault:/v",
            "option 'password' is not accepted by 'cache' at 6 in \"cache(password=****):vault:/v\"; cache accepts [capacity, max-bytes]; write cache:vault:/v?password=****"),
        secret(
            "vault:/v?password=hunter2&password=x",
            "'password' of 'vault' at 23 in \"vault:/v?password=****&password=****\" is given twice"),
        secret(
            "vault:/v?password=hun%zzter",
            "bad percent escape at 18 in \"vault:/v?password=****\" inside the value of a sensitive option, which is not shown"),
        secret(
            "mirror(policy=x, primary=vault:/v?password=s3cret, replica=memory:, extra=1)",
            "option 'extra' is not accepted by 'mirror' at 66 in \"mirror(policy=x, primary=vault:/v?password=****, replica=memory:, extra=1)\"; mirror accepts [policy]"),
        secret(
            "vault(password=hunter2):/v?password=other",
            "option 'password' of 'vault' at 24 in \"vault(password=****):/v?password=****\" is given both in parentheses and in the query"),
        secret(
            "dsik:/v?password=hunter2",
            "unknown store type 'dsik' at 0 in \"dsik:/v?password=****\"; known: cache, disk, layered, lower, memory, mirror, read-only, stats, vault, verify (did you mean 'disk'?)"),
        secret(
            "vault:/v?password=hunter 2",
            "a character that must be percent-encoded at 18 in \"vault:/v?password=****\" inside the value of a sensitive option, which is not shown"),
        secret(
            "vault(password=hunter2:/v",
            "unbalanced parenthesis: '(' at 5 in \"vault(password=****\" is never closed"),
        secret(
            "mirror(primary=vault:/v?password=s3cret&user=x, replica=memory:))",
            "unbalanced parenthesis: ')' at 62 in \"mirror(primary=vault:/v?password=****&user=x,"
                + " replica=memory:))\" closes nothing"),
        secret(
            "mirror(primary=vault:/v?password = hunter2 , replica=memory:",
            "unbalanced parenthesis: '(' at 6 in \"mirror(primary=vault:/v?password = **** ,"
                + " replica=memory:\" is never closed"),
        secret(
            "mirror(primary=vault:/v?password=s3cret)",
            "'mirror' at 0 in \"mirror(primary=vault:/v?password=****)\" requires roles [primary, replica]; missing: replica"));
  }
}
