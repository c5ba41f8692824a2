package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.decorators.Decorators;
import dev.cairn.decorators.LayeredStore;
import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.Lower;
import dev.cairn.stack.Cairn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code layered(upper=memory:, lower=lower:…)}: archived objects read through the stack, writes
 * stay in the upper. (The full conformance suite over this stack adds only the upper's ref model
 * check, which the memory and decorators modules already run; it waits for the disk upper and GC.)
 */
class LayeredOverLowerTest {
  @TempDir Path root;

  @Test
  void archivedObjectsReadThroughTheStackAndWritesStayInTheUpper() {
    List<ArchiveEntry> archived = objects(50, 1);
    VolumeArchive lower = VolumeArchive.open(root, 0, false);
    lower.addVolume();
    Archived a = lower.archive(root, 1, 0, archived.iterator());
    lower.swap(a.volumeId(), 1, 1);
    MemoryBackend upper = MemoryBackend.create(HashAlgorithm.SHA256);
    try (LayeredStore stack = Decorators.layered(upper, lower)) {
      archived.forEach(
          e -> {
            assertThat(stack.read(e.hash())).hasValue(e.data());
            assertThat(upper.exists(e.hash())).isFalse();
          });
      byte[] fresh = {1, 2, 3};
      var hash = stack.put(fresh);
      assertThat(upper.read(hash)).hasValue(fresh);
      assertThat(lower.exists(hash)).isFalse();
      assertThat(lower.volumes().get(0).objectCount()).isEqualTo(50);
      assertThat(stack.read(Fixtures.missingHash())).isEmpty();
    }
    assertThatThrownBy(lower::volumeNum).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void stackSpecsOpenTheArchiveAloneAndUnderLayered() {
    List<ArchiveEntry> archived = objects(10, 2);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.addVolume();
      Archived a = lower.archive(root, 1, 0, archived.iterator());
      lower.swap(a.volumeId(), 1, 1);
    }
    try (Backend alone = Cairn.open("lower:" + root + "?volumes=1&mode=read-only")) {
      archived.forEach(e -> assertThat(alone.read(e.hash())).hasValue(e.data()));
      assertThat(alone.feature(Lower.class).orElseThrow().isReadOnly()).isTrue();
    }
    try (Backend stack = Cairn.open("layered(upper=memory:, lower=lower:" + root + ")")) {
      archived.forEach(e -> assertThat(stack.read(e.hash())).hasValue(e.data()));
      var written = stack.put(new byte[] {4, 5, 6});
      assertThat(stack.read(written)).isPresent();
    }
    assertThatThrownBy(() -> Cairn.open("lower:" + root + "?volumes=2"))
        .hasMessageContaining("volume.1");
  }
}
