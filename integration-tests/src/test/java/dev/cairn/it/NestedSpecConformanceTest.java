package dev.cairn.it;

import dev.cairn.spi.Backend;
import dev.cairn.stack.Cairn;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/** The testkit over a stack of three decorators on memory, opened by spec. */
class NestedSpecConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return seed.writeTo(
        Cairn.open("stats:cache(capacity=1000):verify:memory:?hash=" + seed.algorithm().name()));
  }
}
