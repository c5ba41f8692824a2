package dev.cairn.lower;

import dev.cairn.spi.HashAlgorithm;
import java.util.Map;

/** The conformance suite over {@code lower:?hash=sha1}, Git's object ids. */
class LowerSha1ConformanceTest extends LowerConformanceTest {
  @Override
  protected HashAlgorithm hashAlgorithm() {
    return HashAlgorithm.SHA1;
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("hash", "sha1", "open-files", "2");
  }
}
