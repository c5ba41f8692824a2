package dev.cairn.decorators;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/** The testkit over {@code verify:memory:}. */
class VerifyConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return seed.writeTo(Decorators.verify(MemoryBackend.create(seed.algorithm())));
  }
}
