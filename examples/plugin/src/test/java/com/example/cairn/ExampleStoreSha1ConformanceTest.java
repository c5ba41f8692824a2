package com.example.cairn;

import dev.cairn.spi.HashAlgorithm;

/** The suite again for a store of SHA-1 hashes, the algorithm of Git's object ids. */
class ExampleStoreSha1ConformanceTest extends ExampleStoreConformanceTest {
  @Override
  protected HashAlgorithm hashAlgorithm() {
    return HashAlgorithm.SHA1;
  }
}
