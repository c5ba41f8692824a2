package dev.cairn.cli;

import dev.cairn.git.SymbolicRefs;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.RefName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an object's name as Git does ({@code gitrevisions(7)}): a full hash; a ref, tried as {@code
 * NAME}, {@code refs/NAME}, {@code refs/tags/NAME}, {@code refs/heads/NAME}, {@code
 * refs/remotes/NAME} and {@code refs/remotes/NAME/HEAD}, symbolic refs such as {@code HEAD}
 * followed to their target ({@link SymbolicRefs}); else a unique abbreviated hash of at least four
 * hex digits (found by listing the store's objects).
 */
final class ObjectName {
  private static final int MIN_ABBREVIATION = 4;
  private static final int AMBIGUOUS_SHOWN = 5;

  private ObjectName() {}

  /**
   * The object {@code name} names in {@code store}.
   *
   * @throws CliFailure (failure) if nothing has that name or an abbreviation is ambiguous; (usage)
   *     if it is neither a hash, an abbreviation nor a ref name
   */
  static Hash resolve(Backend store, String name) {
    HashAlgorithm algorithm = store.hashAlgorithm();
    int hexLength = algorithm.digestLength() * 2;
    boolean hex = !name.isEmpty() && name.chars().allMatch(ObjectName::isHexDigit);
    if (hex && name.length() == hexLength) {
      return CairnCommand.parseHash(store, name);
    }
    if (RefName.isValid(name)) {
      SymbolicRefs symbolic = SymbolicRefs.read(store);
      for (String candidate :
          List.of(
              name,
              "refs/" + name,
              "refs/tags/" + name,
              "refs/heads/" + name,
              "refs/remotes/" + name,
              "refs/remotes/" + name + "/HEAD")) {
        if (RefName.isValid(candidate)) {
          Optional<Hash> hash = symbolic.resolve(store, candidate);
          if (hash.isPresent()) {
            return hash.get();
          }
          if (symbolic.target(candidate).isPresent()) {
            throw CliFailure.failure(
                "'"
                    + candidate
                    + "' is a symbolic ref to '"
                    + symbolic.plainName(candidate)
                    + "', which does not exist");
          }
        }
      }
    }
    if (hex && name.length() >= MIN_ABBREVIATION && name.length() < hexLength) {
      return abbreviated(store, name.toLowerCase(Locale.ROOT));
    }
    if (hex || !RefName.isValid(name)) {
      throw CliFailure.usage(
          "'"
              + name
              + "' is not a "
              + algorithm.name()
              + " hash ("
              + hexLength
              + " hex digits), an abbreviation of one ("
              + MIN_ABBREVIATION
              + " or more) nor a ref");
    }
    throw CliFailure.failure("no ref or object '" + name + "' in the store");
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static Hash abbreviated(Backend store, String prefix) {
    ObjectEnumeration enumeration =
        store
            .feature(ObjectEnumeration.class)
            .orElseThrow(
                () ->
                    CliFailure.failure(
                        "the store cannot list its objects, so the abbreviated hash '"
                            + prefix
                            + "' cannot be resolved; give the full hash"));
    List<Hash> matches = new ArrayList<>();
    enumeration.forEachObject(
        object -> {
          if (object.hash().toHex().startsWith(prefix) && !matches.contains(object.hash())) {
            matches.add(object.hash());
          }
        });
    if (matches.isEmpty()) {
      throw CliFailure.failure("no ref or object '" + prefix + "' in the store");
    }
    if (matches.size() > 1) {
      StringBuilder shown = new StringBuilder();
      matches.stream()
          .sorted()
          .limit(AMBIGUOUS_SHOWN)
          .forEach(h -> shown.append(shown.length() == 0 ? "" : ", ").append(h.toHex()));
      throw CliFailure.failure(
          "abbreviated hash '"
              + prefix
              + "' is ambiguous: "
              + matches.size()
              + " objects start so ("
              + shown
              + (matches.size() > AMBIGUOUS_SHOWN ? ", ..." : "")
              + ")");
    }
    return matches.get(0);
  }
}
