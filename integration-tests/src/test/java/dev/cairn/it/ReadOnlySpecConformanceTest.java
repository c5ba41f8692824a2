package dev.cairn.it;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.stack.Cairn;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.util.UUID;

/**
 * The testkit over {@code read-only:memory:NAME} opened by spec, seeded through a handle on the
 * same shared memory store; it runs the rejection tests.
 */
class ReadOnlySpecConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    String name = "read-only-" + UUID.randomUUID();
    try (Backend seeding = seed.writeTo(MemoryBackend.open(name, seed.algorithm()))) {
      // Opened before the seeding handle closes, so the shared store lives on.
      return Cairn.open("read-only:memory:" + name + "?hash=" + seed.algorithm().name());
    }
  }
}
