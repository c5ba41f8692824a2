package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.stack.Cairn;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk store opened through the stack grammar, alone and under decorators. */
class DiskBySpecTest {
  @TempDir Path dir;

  @Test
  void opensBySpecUnderDecoratorsAndKeepsItsData() {
    String leaf = "disk:" + dir + "?fsync=batch&segment-size=64k&hash=sha1";
    Hash hash;
    try (Backend store = Cairn.open("cache(capacity=10):verify:" + leaf)) {
      hash = store.put(new byte[] {1, 2, 3});
      store.setRef("refs/heads/main", hash);
    }
    try (Backend store = Cairn.open(leaf)) {
      assertThat(store.read(hash)).hasValue(new byte[] {1, 2, 3});
      assertThat(store.getRef("refs/heads/main")).hasValue(hash);
      try (Backend reader = Cairn.open("disk:" + dir + "?mode=read-only")) {
        assertThat(reader.read(hash)).hasValue(new byte[] {1, 2, 3});
      }
    }
  }

  @Test
  void aConflictingHashIsAClearError() {
    Cairn.open("disk:" + dir + "?hash=sha1").close();
    assertThatThrownBy(() -> Cairn.open("disk:" + dir + "?hash=sha256"))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("hash=sha1");
  }
}
