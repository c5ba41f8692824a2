package dev.cairn.stack;

import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import dev.cairn.testkit.FakeBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fake store types for tests, so that no test depends on a real backend: the eight types of
 * STACK-SPEC.md with the options its examples use, plus a few for secrets and failures.
 */
final class Fakes {
  private Fakes() {}

  /** A store type with a fixed description of itself; its stores are {@link #store}s. */
  static class Factory implements StoreFactory {
    private final String name;
    private final Shape shape;
    private final List<String> roles;
    private final List<StoreOption<?>> options;
    final List<String> log;

    Factory(
        String name,
        Shape shape,
        List<String> roles,
        List<StoreOption<?>> options,
        List<String> log) {
      this.name = name;
      this.shape = shape;
      this.roles = roles;
      this.options = options;
      this.log = log;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Shape shape() {
      return shape;
    }

    @Override
    public List<String> roles() {
      return roles;
    }

    @Override
    public String description() {
      return "A fake " + name + " store.";
    }

    @Override
    public List<StoreOption<?>> options() {
      return options;
    }

    @Override
    public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
      log.add("open " + spec);
      return store(spec, children, context, log).build();
    }
  }

  /** A factory whose {@code create} always throws, after logging. */
  static final class Failing extends Factory {
    private final RuntimeException failure;

    Failing(
        String name, Shape shape, List<String> roles, List<String> log, RuntimeException failure) {
      super(name, shape, roles, List.of(), log);
      this.failure = failure;
    }

    @Override
    public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
      log.add("fail " + spec);
      throw failure;
    }
  }

  /** What a fake factory opened a store with; the store offers it as a feature. */
  record Opened(StoreSpec spec, Map<String, Backend> children, StoreContext context) {}

  /**
   * A fake store as a fake factory opens it: described by its spec, of the context's SHA-256,
   * offering its {@link Opened}; closing it logs its close, then closes its children, as a real
   * parent does.
   */
  static FakeBackend.Builder store(
      StoreSpec spec, Map<String, Backend> children, StoreContext context, List<String> log) {
    return FakeBackend.builder()
        .description(spec.toString())
        .algorithm(context.hashAlgorithm("sha256"))
        .feature(Opened.class, new Opened(spec, children, context))
        .onClose(
            () -> {
              log.add("close " + spec);
              children.values().forEach(Backend::close);
            });
  }

  /** What {@code store}, a store a fake factory opened, was opened with. */
  static Opened opened(Backend store) {
    return ((FakeBackend) store).feature(Opened.class).orElseThrow();
  }

  static Factory leaf(String name, List<String> log, StoreOption<?>... options) {
    return new Factory(name, StoreFactory.Shape.LEAF, List.of(), List.of(options), log);
  }

  static Factory decorator(String name, List<String> log, StoreOption<?>... options) {
    return new Factory(name, StoreFactory.Shape.DECORATOR, List.of(), List.of(options), log);
  }

  static Factory combinator(
      String name, List<String> roles, List<String> log, StoreOption<?>... options) {
    return new Factory(name, StoreFactory.Shape.COMBINATOR, roles, List.of(options), log);
  }

  /** The eight store types STACK-SPEC.md's examples and messages use. */
  static Set<StoreFactory> stackSpecTypes(List<String> log) {
    Set<StoreFactory> types = new LinkedHashSet<>();
    types.add(leaf("memory", log));
    types.add(
        leaf(
            "disk",
            log,
            StoreOption.choice(
                "fsync", "batch", "When writes reach the disk.", "always", "batch", "never"),
            StoreOption.choice("hash", "sha256", "The hash of a new store.", "sha1", "sha256"),
            StoreOption.size("segment-size", 64 << 20, 1 << 20, 1L << 32, "Segment file size.")));
    types.add(leaf("lower", log));
    types.add(
        decorator(
            "cache",
            log,
            StoreOption.number("capacity", 10_000, 1, Long.MAX_VALUE, "Entries kept."),
            StoreOption.size("max-bytes", 0, 0, Long.MAX_VALUE, "Bytes kept (0: by entries).")));
    types.add(decorator("read-only", log));
    types.add(decorator("stats", log));
    types.add(decorator("verify", log));
    types.add(combinator("layered", List.of("upper", "lower"), log));
    return types;
  }

  /**
   * The STACK-SPEC types plus {@code vault:} (a leaf with a sensitive {@code password} and a plain
   * {@code user}) and {@code mirror(primary=, replica=)} with a {@code policy} option.
   */
  static Set<StoreFactory> withSecrets(List<String> log) {
    Set<StoreFactory> types = new LinkedHashSet<>(stackSpecTypes(log));
    types.add(
        leaf(
            "vault",
            log,
            StoreOption.string("password", null, "The vault's password.").asSensitive(),
            StoreOption.string("user", "cairn", "The vault's user.")));
    types.add(
        combinator(
            "mirror",
            List.of("primary", "replica"),
            log,
            StoreOption.string("policy", "sync", "How the replica follows.")));
    return types;
  }

  static Registry registry(Set<StoreFactory> factories) {
    return new Registry(factories, Set.of());
  }

  static Stacks stacks(Set<StoreFactory> factories) {
    return new Stacks(registry(factories), StoreContext.standard());
  }

  static List<String> newLog() {
    return Collections.synchronizedList(new ArrayList<>());
  }

  /** A store that fails to open, for cleanup tests. */
  static StoreIOException ioFailure(String what) {
    return new StoreIOException(what, new java.io.IOException("disk on fire"));
  }
}
