package com.example.cairn;

import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs Cairn's conformance suite against the example store: every test that applies. Because
 * it overrides {@link #openIn}, the suite also crashes the store on a fault-injecting file
 * system, damages its files, and opens a second store on one directory.
 */
class ExampleStoreConformanceTest extends ConformanceSuite {
  @TempDir Path root;
  private final AtomicInteger stores = new AtomicInteger();
  private final Map<Backend, Path> directories =
      Collections.synchronizedMap(new IdentityHashMap<>());

  @Override
  protected Backend open(Seed seed) {
    Path directory = root.resolve("store-" + stores.incrementAndGet());
    return seed.writeTo(openIn(directory, seed.algorithm()));
  }

  @Override
  protected Backend openIn(Path directory, HashAlgorithm algorithm) {
    Backend store = new ExampleStore(directory, algorithm);
    directories.put(store, directory);
    return store;
  }

  @Override
  protected Backend reopen(Backend closed) {
    return openIn(directories.get(closed), closed.hashAlgorithm());
  }
}
