package dev.cairn.decorators;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/**
 * The testkit over three decorators, {@code stats:cache(max-bytes=64k):verify:memory:}, the cache
 * bounded by bytes.
 */
class NestedStackConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return seed.writeTo(
        Decorators.stats(
            Decorators.cacheByBytes(
                Decorators.verify(MemoryBackend.create(seed.algorithm())), 64 * 1024)));
  }
}
