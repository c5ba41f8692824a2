package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every adapter stores, finds, misses and (if persistent) keeps objects across reopen. */
class StoreAdapterTest {
  @TempDir Path temp;

  static Stream<Arguments> targetsAndModes() {
    return Targets.all().stream()
        .flatMap(t -> Stream.of(Durability.values()).map(d -> Arguments.of(t.name(), d)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("targetsAndModes")
  void storesFindsMissesAndKeeps(String name, Durability durability) {
    Target target = Targets.named(name);
    Workload workload = new Workload(700, 25, 7);
    byte[][] keys = new byte[25][];
    byte[][] values = new byte[25][];
    for (int i = 0; i < 25; i++) {
      values[i] = workload.value(i);
      keys[i] = Workload.key(values[i]);
    }
    byte[] single = Workload.random(new SplittableRandom(3), 70_000);
    byte[] singleKey = Workload.key(single);
    byte[] absent = Workload.random(new SplittableRandom(4), Workload.KEY_LENGTH);

    Store store = target.open(new StoreSetup(temp.resolve("store"), durability, 1 << 20));
    try {
      store.putBatch(keys, values, 0, 20);
      store.putBatch(keys, values, 20, 25);
      store.put(singleKey, single);
      store.flush();
      assertHolds(store, keys, values, singleKey, single, absent);
      if (target.persistent()) {
        store = store.reopen();
        assertHolds(store, keys, values, singleKey, single, absent);
      }
    } finally {
      store.close();
    }
    store.close();
  }

  private static void assertHolds(
      Store store, byte[][] keys, byte[][] values, byte[] singleKey, byte[] single, byte[] absent) {
    for (int i = 0; i < keys.length; i++) {
      assertThat(store.get(keys[i])).as("object %d", i).isEqualTo(values[i]);
      assertThat(store.exists(keys[i])).isTrue();
    }
    assertThat(store.get(singleKey)).isEqualTo(single);
    assertThat(store.get(absent)).isNull();
    assertThat(store.exists(absent)).isFalse();
  }
}
