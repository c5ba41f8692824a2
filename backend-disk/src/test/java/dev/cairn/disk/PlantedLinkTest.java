package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hostile-layout table (family 8) caught: a symbolic link planted in a store's directory
 * under the name of a file the store writes made it write, truncate or create a file outside the
 * directory; and a locator with {@code ..} opened a store outside the directory it appears to name.
 */
class PlantedLinkTest {
  @TempDir Path area;
  private Path store;
  private Path victim;

  @BeforeEach
  void layout() throws IOException {
    store = area.resolve("store");
    victim = Files.writeString(area.resolve("victim.txt"), "do not touch\n");
    try (DiskBackend disk = DiskBackend.open(store, small())) {
      disk.put("before".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aLinkPlantedAsTheManifestTempFileWhileOpenIsNotWrittenThrough() throws IOException {
    // Opening removes temporary files it finds; a link planted afterwards used to be
    // followed by the next seal, which installs a manifest through MANIFEST.tmp.
    try (DiskBackend disk = DiskBackend.open(store, small())) {
      Files.createSymbolicLink(store.resolve(Manifest.TEMP), victim);
      fillSegments(disk); // a seal that fails is retried later; the objects stay readable
      assertThat(disk.problems()).anyMatch(p -> p.startsWith("sealing "));
    }
    assertThat(Files.readString(victim)).isEqualTo("do not touch\n");
  }

  @Test
  void aDanglingLinkPlantedAsTheLockCreatesNoFileOutside() throws IOException {
    Files.delete(store.resolve(DiskBackend.LOCK_FILE));
    Path target = area.resolve("created-by-lock");
    Files.createSymbolicLink(store.resolve(DiskBackend.LOCK_FILE), target);
    assertThatThrownBy(() -> DiskBackend.open(store, small()).close())
        .isInstanceOf(CairnException.class);
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aLinkPlantedAsTheRefJournalIsNotAppendedThrough() throws IOException {
    // The link points at a valid journal outside, so only following it could write there.
    Path outsideJournal = area.resolve("outside-refs.log");
    Files.move(store.resolve(RefJournal.FILE), outsideJournal);
    byte[] before = Files.readAllBytes(outsideJournal);
    Files.createSymbolicLink(store.resolve(RefJournal.FILE), outsideJournal);
    assertThatThrownBy(
            () -> {
              try (DiskBackend disk = DiskBackend.open(store, small())) {
                disk.setRef("refs/heads/main", disk.put(new byte[] {1}));
              }
            })
        .isInstanceOf(CairnException.class);
    assertThat(Files.readAllBytes(outsideJournal)).isEqualTo(before);
  }

  @Test
  void aLocatorWithDotDotIsRejected() {
    StoreSpec spec = StoreSpec.leaf("disk", store + "/../outside", Map.of());
    assertThatThrownBy(
            () -> {
              try (Backend b =
                  new DiskStoreFactory().create(spec, Map.of(), StoreContext.standard())) {
                b.flush();
              }
            })
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'..'");
    assertThat(Files.exists(area.resolve("outside"))).isFalse();
  }

  private static DiskOptions small() {
    return DiskOptions.builder().segmentSize(DiskOptions.MIN_SEGMENT_SIZE).build();
  }

  private static void fillSegments(DiskBackend disk) {
    for (int i = 0; i < 200; i++) {
      disk.put(("object " + i + " ").repeat(8).getBytes(StandardCharsets.UTF_8));
    }
    disk.flush();
  }
}
