package dev.cairn.memory;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

class MemoryBackendConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return seed.writeTo(MemoryBackend.create(seed.algorithm()));
  }
}
