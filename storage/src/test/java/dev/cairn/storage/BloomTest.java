package dev.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Bloom} is Guava's filter bit for bit: indexes written before it (by Guava) read with it,
 * and its filters read with Guava, with the same answers for every hash.
 */
class BloomTest {
  /** The funnel the index used with Guava: the first 16 bytes of the hash. */
  private static final Funnel<Hash> GUAVA_FUNNEL =
      (hash, into) -> into.putBytes(hash.toBytes(), 0, Math.min(16, hash.length()));

  private static List<Hash> hashes(HashAlgorithm algorithm, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Hash> hashes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[algorithm.digestLength()];
      random.nextBytes(bytes);
      hashes.add(Hash.of(algorithm, bytes));
    }
    return hashes;
  }

  @Test
  void aFilterGuavaWroteAnswersAsGuavaDoes() throws IOException {
    for (HashAlgorithm algorithm : List.of(HashAlgorithm.SHA256, HashAlgorithm.SHA1)) {
      List<Hash> present = hashes(algorithm, 5_000, 1);
      BloomFilter<Hash> guava = BloomFilter.create(GUAVA_FUNNEL, present.size(), 0.01);
      present.forEach(guava::put);
      ByteArrayOutputStream serial = new ByteArrayOutputStream();
      guava.writeTo(serial);
      Bloom ours = Bloom.decode(serial.toByteArray(), "seg.idx", 0);

      assertThat(present).allMatch(ours::mightContain);
      int falsePositives = 0;
      for (Hash absent : hashes(algorithm, 50_000, 2)) {
        assertThat(ours.mightContain(absent))
            .as("%s", absent)
            .isEqualTo(guava.mightContain(absent));
        falsePositives += ours.mightContain(absent) ? 1 : 0;
      }
      // About 1% by design, and not zero: a filter that says no to everything would pass above.
      assertThat(falsePositives).isBetween(100, 1_000);
    }
  }

  @Test
  void aFilterItWritesReadsWithGuavaAndBackUnchanged() throws IOException {
    List<Hash> present = hashes(HashAlgorithm.SHA256, 5_000, 3);
    Bloom ours = Bloom.create(present.size(), 0.01);
    present.forEach(ours::put);
    byte[] serial = ours.encode();
    BloomFilter<Hash> guava = BloomFilter.readFrom(new ByteArrayInputStream(serial), GUAVA_FUNNEL);

    assertThat(present).allMatch(guava::mightContain);
    for (Hash absent : hashes(HashAlgorithm.SHA256, 20_000, 4)) {
      assertThat(guava.mightContain(absent)).isEqualTo(ours.mightContain(absent));
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    guava.writeTo(again);
    assertThat(again.toByteArray()).isEqualTo(serial);
    assertThat(Bloom.decode(serial, "seg.idx", 0).encode()).isEqualTo(serial);
  }

  @Test
  void hashesShorterThanSixteenBytesProbeAsGuavaDoes() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    for (int length = 1; length <= 16; length++) {
      BloomFilter<byte[]> guava =
          BloomFilter.create((bytes, into) -> into.putBytes(bytes), 200, 0.01);
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        keys.add(key);
        guava.put(key);
      }
      ByteArrayOutputStream serial = new ByteArrayOutputStream();
      guava.writeTo(serial);
      Bloom ours = Bloom.decode(serial.toByteArray(), "seg.idx", 0);
      for (int i = 0; i < 2_000; i++) {
        byte[] key = i < keys.size() ? keys.get(i) : new byte[length];
        if (i >= keys.size()) {
          random.nextBytes(key);
        }
        // No built-in algorithm has digests under 16 bytes; a plug-in's may.
        assertThat(ours.mightContain(Bloom.key(key)))
            .as("length %d", length)
            .isEqualTo(guava.mightContain(key));
      }
    }
  }

  /** The volume archive's filters: Guava's byte-array funnel over whole keys of any length. */
  @Test
  void wholeKeysOfAnyLengthProbeAsGuavasByteArrayFunnelDoes() throws IOException {
    SplittableRandom random = new SplittableRandom(6);
    for (int length : new int[] {1, 15, 16, 17, 20, 31, 32, 33, 64}) {
      BloomFilter<byte[]> guava =
          BloomFilter.create(com.google.common.hash.Funnels.byteArrayFunnel(), 300, 0.01);
      Bloom ours = Bloom.create(300, 0.01);
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        keys.add(key);
        guava.put(key);
        ours.put(Bloom.keyOfAll(key));
      }
      ByteArrayOutputStream serial = new ByteArrayOutputStream();
      guava.writeTo(serial);
      assertThat(ours.encode()).as("length %d", length).isEqualTo(serial.toByteArray());
      for (int i = 0; i < 3_000; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        assertThat(ours.mightContain(Bloom.keyOfAll(key)))
            .as("length %d", length)
            .isEqualTo(guava.mightContain(key));
      }
    }
  }

  @Test
  void anotherStrategyOrNoHashFunctionsIsCorruption() {
    byte[] serial = Bloom.create(10, 0.01).encode();
    byte[] otherStrategy = serial.clone();
    otherStrategy[0] = 0;
    assertThatThrownBy(() -> Bloom.decode(otherStrategy, "seg.idx", 100))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("strategy 0");
    byte[] noFunctions = serial.clone();
    noFunctions[1] = 0;
    assertThatThrownBy(() -> Bloom.decode(noFunctions, "seg.idx", 100))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("no hash functions");
  }
}
