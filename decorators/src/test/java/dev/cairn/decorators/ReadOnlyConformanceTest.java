package dev.cairn.decorators;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/**
 * The testkit over {@code read-only:memory:}, seeded below the read-only layer; it runs the
 * rejection tests.
 */
class ReadOnlyConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return Decorators.readOnly(seed.writeTo(MemoryBackend.create(seed.algorithm())));
  }
}
