package dev.cairn.cli;

import dev.cairn.git.SymbolicRefs;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.InvalidRefNameException;
import dev.cairn.spi.RefName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn ref list|get|set|cas|delete}. */
@Command(
    name = "ref",
    description = "List, read and change refs (named hashes).",
    subcommands = {
      RefCommand.ListRefs.class,
      RefCommand.GetRef.class,
      RefCommand.SetRef.class,
      RefCommand.CasRef.class,
      RefCommand.DeleteRef.class
    })
final class RefCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: list, get, set, cas or delete");
  }

  static String checkName(String name) {
    try {
      return RefName.check(name);
    } catch (InvalidRefNameException e) {
      throw CliFailure.usage(String.valueOf(e.getMessage()));
    }
  }

  /** {@code none} means "no ref", in {@code cas}. */
  static @Nullable Hash hashOrNone(Backend store, String text) {
    return text.equals("none") ? null : CairnCommand.parseHash(store, text);
  }

  @Command(name = "list", description = "Print every ref (hash and name), by name.")
  static final class ListRefs extends StoreCommand {
    @Parameters(arity = "0..1", paramLabel = "PREFIX", description = "only names starting so")
    String prefix = "";

    @Override
    int run(Backend store) {
      List<Map<String, Object>> refs = new ArrayList<>();
      SymbolicRefs symbolic = SymbolicRefs.read(store);
      java.util.TreeSet<String> names = new java.util.TreeSet<>(store.listRefs());
      names.addAll(symbolic.targets().keySet());
      for (String name : names) {
        if (!name.startsWith(prefix)) {
          continue;
        }
        Optional<Hash> hash = symbolic.resolve(store, name);
        if (hash.isEmpty()) {
          continue; // deleted since the listing
        }
        if (root().json) {
          Map<String, Object> ref = new LinkedHashMap<>();
          ref.put("name", name);
          ref.put("hash", hash.get().toHex());
          refs.add(ref);
        } else {
          io().out.println(hash.get().toHex() + " " + name);
        }
      }
      if (root().json) {
        json(refs);
      }
      return 0;
    }
  }

  @Command(
      name = "get",
      description =
          "Print the hash a ref names (a symbolic ref such as HEAD:"
              + " the hash of the ref it names); exit 1 if there is none.")
  static final class GetRef extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(Backend store) {
      SymbolicRefs symbolic = SymbolicRefs.read(store);
      Hash hash =
          symbolic
              .resolve(store, checkName(name))
              .orElseThrow(
                  () ->
                      CliFailure.failure(
                          symbolic.target(name).isPresent()
                              ? "'"
                                  + name
                                  + "' is a symbolic ref to '"
                                  + symbolic.plainName(name)
                                  + "', which does not exist"
                              : "no ref '" + name + "'"));
      if (root().json) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("name", name);
        ref.put("hash", hash.toHex());
        json(ref);
      } else {
        io().out.println(hash.toHex());
      }
      return 0;
    }
  }

  @Command(name = "set", description = "Point a ref at a hash, whatever it pointed at.")
  static final class SetRef extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "HASH")
    String hex;

    @Override
    boolean createsStore() {
      return true;
    }

    @Override
    int run(Backend store) {
      store.setRef(checkName(name), CairnCommand.parseHash(store, hex));
      store.flush();
      return 0;
    }
  }

  @Command(
      name = "cas",
      description =
          "Compare and set: point NAME at NEW only if it points at EXPECTED; 'none'"
              + " for either means absent (create or delete). Exit 1 if it did not.")
  static final class CasRef extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "EXPECTED", description = "a hash, or none")
    String expected;

    @Parameters(index = "2", paramLabel = "NEW", description = "a hash, or none")
    String replacement;

    @Override
    boolean createsStore() {
      return true;
    }

    @Override
    int run(Backend store) {
      checkName(name);
      Hash want = hashOrNone(store, expected);
      Hash next = hashOrNone(store, replacement);
      if (!store.testAndSetRef(name, want, next)) {
        String actual = store.getRef(name).map(Hash::toHex).orElse("none");
        throw CliFailure.failure(
            "ref '" + name + "' is " + actual + ", not " + expected + "; unchanged");
      }
      store.flush();
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a ref; exit 1 if there is none.")
  static final class DeleteRef extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(Backend store) {
      checkName(name);
      while (true) {
        Hash current =
            store.getRef(name).orElseThrow(() -> CliFailure.failure("no ref '" + name + "'"));
        if (store.testAndSetRef(name, current, null)) {
          store.flush();
          return 0;
        }
      }
    }
  }
}
