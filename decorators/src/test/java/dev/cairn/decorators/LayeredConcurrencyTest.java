package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.hashOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.testkit.FakeBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LayeredConcurrencyTest {
  private static final int THREADS = 4;
  private static final int INCREMENTS = 300;

  /**
   * Threads count up a ref that starts in the lower store, each by compare-and-set from the value
   * it read: if one update were lost, or two succeeded from the same value, the count would come
   * out short.
   */
  @Test
  @Timeout(120) // A compare-and-set that can never succeed would spin forever, not fail.
  void noUpdateIsLostWhenARefMovesFromTheLowerToTheUpper() throws Exception {
    FakeBackend lower = FakeBackend.create();
    LayeredStore store = Decorators.layered(FakeBackend.create(), lower);
    Map<Hash, Integer> values = new ConcurrentHashMap<>();
    for (int i = 0; i <= THREADS * INCREMENTS; i++) {
      values.put(hashOf("n" + i), i);
    }
    lower.setRef("counter", hashOf("n0"));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < INCREMENTS; i++) {
                    while (true) {
                      Hash seen = store.getRef("counter").orElseThrow();
                      Hash next = hashOf("n" + (values.get(seen) + 1));
                      if (store.testAndSetRef("counter", seen, next)) {
                        break;
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.getRef("counter")).hasValue(hashOf("n" + THREADS * INCREMENTS));
    assertThat(lower.refs()).containsEntry("counter", hashOf("n0"));
  }
}
