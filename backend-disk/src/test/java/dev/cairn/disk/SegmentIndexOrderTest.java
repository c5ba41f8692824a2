package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The order a seal writes an index in is a stable sort of the hashes, whether they spread over the
 * two-byte buckets, crowd into one (chosen hashes), repeat, or are shorter than two bytes.
 */
class SegmentIndexOrderTest {
  private static int[] reference(byte[] hashes, int h, int size) {
    return IntStream.range(0, size)
        .boxed()
        .sorted(
            Comparator.comparing(
                (Integer e) -> e,
                (a, b) ->
                    Arrays.compareUnsigned(hashes, a * h, a * h + h, hashes, b * h, b * h + h)))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static void check(byte[] hashes, int h) {
    int size = hashes.length / h;
    assertThat(SegmentIndex.sortedOrder(hashes, h, size)).isEqualTo(reference(hashes, h, size));
  }

  @Test
  void uniformHashesWithRepeats() {
    SplittableRandom random = new SplittableRandom(7);
    byte[] hashes = new byte[200_000 * 32];
    random.nextBytes(hashes);
    // Every tenth hash repeats an earlier one: the first written must stay first.
    for (int i = 10; i < 200_000; i += 10) {
      System.arraycopy(hashes, random.nextInt(i) * 32, hashes, i * 32, 32);
    }
    check(hashes, 32);
  }

  @Test
  void hashesSharingTheirFirstTwoBytes() {
    SplittableRandom random = new SplittableRandom(8);
    byte[] hashes = new byte[5_000 * 20];
    random.nextBytes(hashes);
    for (int i = 0; i < 5_000; i += 1) {
      hashes[i * 20] = (byte) (i % 3);
      hashes[i * 20 + 1] = 0x7f;
      if (i % 7 == 0) {
        hashes[i * 20 + 2] = 0; // and some share a third
      }
    }
    check(hashes, 20);
  }

  @Test
  void oneByteHashesAndEmptyAndSingle() {
    SplittableRandom random = new SplittableRandom(9);
    byte[] hashes = new byte[3_000];
    random.nextBytes(hashes);
    check(hashes, 1);
    check(new byte[0], 32);
    check(new byte[32], 32);
  }
}
