package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defects the power-loss family (reliability-tests, PowerLossTest) caught in the disk store. */
class PowerCutRegressionTest {
  @TempDir Path temp;

  private static final DiskOptions NEVER =
      DiskOptions.builder().fsync(DiskOptions.Fsync.NEVER).build();

  /**
   * With fsync=never ref changes reach the disk in any order; a power cut that keeps a later entry
   * but loses an earlier one leaves zeros in between. That used to read as damage followed by
   * entries, which fails every ref operation forever.
   */
  @Test
  void aRefJournalWithLostUnsyncedEntriesBeforeSurvivingOnesOpensAtTheLastWholeEntry()
      throws IOException {
    Path live = temp.resolve("store");
    Path dir = temp.resolve("crashed");
    Hash a;
    Hash b;
    long durableEnd;
    long lostEnd;
    try (DiskBackend store = DiskBackend.open(live, NEVER)) {
      a = store.put(new byte[] {1});
      b = store.put(new byte[] {2});
      store.setRef("refs/heads/main", a);
      store.flush();
      durableEnd = Files.size(live.resolve(RefJournal.FILE));
      store.setRef("refs/heads/main", b);
      lostEnd = Files.size(live.resolve(RefJournal.FILE));
      store.setRef("refs/heads/other", b);
      // The power goes now, with the store open: what its files hold is what a cut leaves
      // (a clean close would commit the journal, and damage in it would then be damage).
      Files.createDirectories(dir);
      try (var files = Files.list(live)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.copy(file, dir.resolve(file.getFileName()));
        }
      }
    }
    // The middle entry's write was lost: its space reads back as zeros.
    try (FileChannel journal =
        FileChannel.open(dir.resolve(RefJournal.FILE), StandardOpenOption.WRITE)) {
      journal.write(java.nio.ByteBuffer.allocate((int) (lostEnd - durableEnd)), durableEnd);
    }
    try (DiskBackend store = DiskBackend.open(dir, NEVER)) {
      assertThat(store.getRef("refs/heads/main")).hasValue(a);
      assertThat(store.getRef("refs/heads/other")).isEmpty();
      store.setRef("refs/heads/other", a);
    }
    try (DiskBackend store = DiskBackend.open(dir, NEVER)) {
      assertThat(store.getRef("refs/heads/other")).hasValue(a);
    }
  }

  /** Damage that is not zeros, followed by entries, is still refused rather than guessed. */
  @Test
  void aDamagedRefJournalEntryFollowedByEntriesStillFailsRefOperations() throws IOException {
    Path dir = temp.resolve("store");
    long damaged;
    try (DiskBackend store = DiskBackend.open(dir, NEVER)) {
      Hash a = store.put(new byte[] {1});
      store.setRef("refs/heads/main", a);
      damaged = Files.size(dir.resolve(RefJournal.FILE)) - 3;
      store.setRef("refs/heads/other", a);
    }
    try (FileChannel journal =
        FileChannel.open(
            dir.resolve(RefJournal.FILE), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      journal.read(one, damaged);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      journal.write(one, damaged);
    }
    try (DiskBackend store = DiskBackend.open(dir, NEVER)) {
      assertThatThrownBy(() -> store.getRef("refs/heads/main"))
          .isInstanceOf(CorruptionException.class);
    }
  }

  /**
   * Opening created the store's directory (and missing parents) without syncing the directory
   * holding it: a power cut could forget the whole store, durable objects and all.
   */
  @Test
  void aNewStoresDirectoryAndItsNewParentsSurviveAPowerCut() throws IOException {
    // Which unsynced entries a cut forgets is drawn from the seed: try several.
    for (int seed = 0; seed < 30; seed++) {
      try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
        Path dir = fs.path(temp).resolve("s" + seed).resolve("a").resolve("store");
        Hash hash;
        try (DiskBackend store = DiskBackend.open(dir)) {
          hash = store.put(new byte[] {7});
        }
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
        try (DiskBackend store = DiskBackend.open(dir)) {
          assertThat(store.read(hash)).as("seed %d", seed).hasValue(new byte[] {7});
        }
      }
    }
  }
}
