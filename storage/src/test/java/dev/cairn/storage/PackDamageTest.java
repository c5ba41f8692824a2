package dev.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bit flip in a small pack or its index, compressed records and dictionary included, is
 * either reported as corruption or leaves every read correct: nothing else is ever served, and
 * nothing crashes.
 */
class PackDamageTest {
  private static Map<Hash, byte[]> objects() {
    Map<Hash, byte[]> objects = new LinkedHashMap<>(Packs.text(HashAlgorithm.SHA1, 66, 11));
    objects.putAll(Packs.random(HashAlgorithm.SHA1, 2, 100, 12));
    return objects;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 8})
  void everyFlippedByteOfAPackIsDetectedOrHarmless(int indexHashBytes) throws IOException {
    Map<Hash, byte[]> objects = objects();
    PackOptions options = new PackOptions(Compression.AUTO, 3, 512, 64 << 10, indexHashBytes);
    Packs.Written written = Packs.write(HashAlgorithm.SHA1, options, objects);
    assertThat(written.summary().dictionaryBytes()).as("the pack has a dictionary").isPositive();
    assertThat(written.summary().compressedRecords()).isPositive();
    for (int at = 0; at < written.pack().length; at++) {
      byte[] damaged = written.pack().clone();
      damaged[at] ^= (byte) (1 << (at % 8));
      check(objects, written.index(), damaged, "pack byte " + at);
    }
    for (int at = 0; at < written.index().length; at++) {
      byte[] damaged = written.index().clone();
      damaged[at] ^= (byte) (1 << (at % 8));
      check(objects, damaged, written.pack(), "index byte " + at);
    }
  }

  private static void check(Map<Hash, byte[]> objects, byte[] index, byte[] pack, String what)
      throws IOException {
    PackReader reader;
    try {
      reader =
          PackReader.open(
              PackIndex.decode(ByteBuffer.wrap(index), "i"),
              ByteSource.of(ByteBuffer.wrap(pack)),
              HashAlgorithm.SHA1,
              "p");
    } catch (CorruptionException e) {
      return;
    }
    boolean detected = false;
    for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
      try {
        Optional<byte[]> read = reader.read(e.getKey());
        if (read.isEmpty() || !Arrays.equals(read.get(), e.getValue())) {
          throw new AssertionError(
              what + ": " + e.getKey() + " read as " + read.map(Arrays::toString).orElse("absent"));
        }
      } catch (CorruptionException expected) {
        detected = true;
      }
    }
    if (!detected) {
      try {
        reader.verify((h, b) -> {});
      } catch (CorruptionException expected) {
        detected = true;
      }
    }
    if (!detected) {
      throw new AssertionError(what + " is not found by verify");
    }
  }
}
