package dev.cairn.gc;

import dev.cairn.decorators.LayeredStore;
import dev.cairn.spi.Backend;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite over {@code layered(upper=disk:…, lower=lower:…)}. */
class LayeredArchiveConformanceTest {
  abstract static class Stack extends ConformanceSuite {
    @TempDir Path root;
    private final AtomicInteger stores = new AtomicInteger();
    private final Map<Backend, Path> directories =
        Collections.synchronizedMap(new IdentityHashMap<>());

    Backend open(Path directory) {
      LayeredStore store = Stacks.archived(directory, hashAlgorithm());
      directories.put(store, directory);
      return store;
    }

    @Override
    protected Backend reopen(Backend closed) {
      return open(directories.get(closed));
    }

    @Override
    protected Backend openIn(Path directory, HashAlgorithm algorithm) {
      return open(directory);
    }

    @Override
    protected boolean refsModelCheckable() {
      return false;
    }
  }

  /** Seeded objects in the upper, as written. */
  @Nested
  class Fresh extends Stack {
    @Override
    protected Backend open(Seed seed) {
      return seed.writeTo(open(root.resolve("stack-" + stores().incrementAndGet())));
    }
  }

  /**
   * Seeded objects that no ref reaches archived into the lower by a collection before the suite
   * sees the store: reads must find them there.
   */
  @Nested
  class AfterCollection extends Stack {
    @Override
    protected Backend open(Seed seed) {
      Backend store = seed.writeTo(open(root.resolve("stack-" + stores().incrementAndGet())));
      Stacks.gc(store).gc(GcOptions.defaults());
      return store;
    }
  }

  private final AtomicInteger stores = new AtomicInteger();

  AtomicInteger stores() {
    return stores;
  }
}
