package dev.cairn.cli;

import dev.cairn.spi.Backend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand: reaches the global options and the terminal through the root command. */
abstract class StoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  CairnCommand root() {
    return (CairnCommand) spec.root().userObject();
  }

  Terminal io() {
    return root().io;
  }

  /** Prints {@code text} unless {@code --quiet}. */
  void say(String text) {
    if (!root().quiet) {
      io().out.println(text);
    }
  }

  /** Prints {@code value} as JSON (on {@code --json}); results are printed even when quiet. */
  void json(Object value) {
    io().out.println(Json.write(value));
  }

  Progress progress(String label, long total) {
    CairnCommand root = root();
    return new Progress(label, total, root.io.err, root.io.interactive, root.quiet);
  }

  @Override
  public final Integer call() throws Exception {
    try (Backend store = openStore()) {
      return run(store);
    }
  }

  /** Opens the store this command works on. */
  Backend openStore() {
    if (!createsStore()) {
      root().requireDefaultStoreExists();
    }
    return root().open(createsStore());
  }

  /** Whether this command may create the default store (it writes); readers do not. */
  boolean createsStore() {
    return false;
  }

  abstract int run(Backend store) throws Exception;
}
