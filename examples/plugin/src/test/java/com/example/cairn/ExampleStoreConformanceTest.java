package com.example.cairn;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;

/** Runs Cairn's conformance suite against the example store: every test that applies. */
class ExampleStoreConformanceTest extends ConformanceSuite {
  @Override
  protected Backend open(Seed seed) {
    return seed.writeTo(new ExampleStore(seed.algorithm()));
  }
}
