package dev.cairn.decorators;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/** The testkit over {@code cache(capacity=64):memory:}, small enough to evict during the suite. */
class CacheConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return seed.writeTo(Decorators.cache(MemoryBackend.create(seed.algorithm()), 64));
  }
}
