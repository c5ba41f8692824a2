package dev.cairn.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MarkSetTest {
  private static final HashAlgorithm SHA256 = HashAlgorithm.SHA256;

  private static Hash hash(int i) {
    return SHA256.hash(ByteBuffer.allocate(4).putInt(i).array());
  }

  @Test
  void holdsWhatWasAddedAndNothingElseThroughManyGrowths() {
    MarkSet set = new MarkSet(SHA256);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      assertThat(set.add(hash(i))).isTrue();
    }
    assertThat(set.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(set.contains(hash(i))).isTrue();
      assertThat(set.add(hash(i))).isFalse();
      assertThat(set.contains(hash(n + i))).isFalse();
    }
    assertThat(set.get(0)).isEqualTo(hash(0));
    assertThat(set.get(n - 1)).isEqualTo(hash(n - 1));
    assertThatThrownBy(() -> set.get(n)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void hashesSharingTheirFirstEightBytesAreTwoEntries() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    b[31] = 1;
    byte[] c = new byte[32];
    c[8] = 1;
    MarkSet set = new MarkSet(SHA256);
    assertThat(set.add(Hash.of(SHA256, a))).isTrue();
    assertThat(set.contains(Hash.of(SHA256, b))).isFalse();
    assertThat(set.add(Hash.of(SHA256, b))).isTrue();
    assertThat(set.add(Hash.of(SHA256, c))).isTrue();
    assertThat(set.add(Hash.of(SHA256, a))).isFalse();
    assertThat(set.size()).isEqualTo(3);
  }

  @Test
  void concurrentAddersEachWinAHashExactlyOnce() throws Exception {
    MarkSet set = new MarkSet(SHA256);
    AtomicInteger wins = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    if (set.add(hash(i))) {
                      wins.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(wins.get()).isEqualTo(20_000);
    assertThat(set.size()).isEqualTo(20_000);
  }
}
