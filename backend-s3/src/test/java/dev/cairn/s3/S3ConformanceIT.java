package dev.cairn.s3;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The conformance suite against {@code s3:} on the build's RGW: a fresh prefix per store. */
class S3ConformanceIT extends ConformanceSuite {
  private final Map<Backend, String> prefixes = new ConcurrentHashMap<>();

  @Override
  protected Backend open(Seed seed) {
    String prefix = Rgw.freshPrefix("conformance");
    return seed.writeTo(open(prefix));
  }

  private Backend open(String prefix) {
    S3Backend store = S3Backend.open(Rgw.get().options(prefix).hashAlgorithm(hashAlgorithm())
        .build());
    prefixes.put(store, prefix);
    return store;
  }

  @Override
  protected Backend reopen(Backend closed) {
    return open(prefixes.get(closed));
  }

  @Override
  protected boolean refsModelCheckable() {
    return false;
  }
}
