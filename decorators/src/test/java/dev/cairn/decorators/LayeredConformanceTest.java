package dev.cairn.decorators;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/**
 * The testkit over {@code layered(upper=memory:, lower=memory:)} with the seed in the lower store,
 * so reads of seeded objects and refs fall through the upper.
 */
class LayeredConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return Decorators.layered(
        MemoryBackend.create(seed.algorithm()),
        seed.writeTo(MemoryBackend.create(seed.algorithm())));
  }
}
