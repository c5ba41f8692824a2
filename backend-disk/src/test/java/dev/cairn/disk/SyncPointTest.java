package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable sync point (issue #19, item 4): damage to what a flush made durable, in a store that
 * was not closed cleanly, used to be taken for a torn tail and cut off, with flushed objects
 * absent, a deleted ref back and {@code verify} clean. Now it is reported, never cut.
 */
class SyncPointTest {
  @TempDir Path temp;
  private final Map<Hash, byte[]> flushed = new LinkedHashMap<>();
  private final List<Hash> order = new ArrayList<>();

  private static final DiskOptions READ_ONLY = DiskOptions.builder().readOnly(true).build();

  /**
   * Writes objects and refs (one deleted again), flushes, and copies the files as a crash after the
   * flush leaves them: the store is not closed, so nothing is checkpointed or rewritten.
   */
  private Path crashAfterFlush(DiskOptions options) throws IOException {
    Path live = temp.resolve("live");
    Path crashed = temp.resolve("crashed");
    Random random = new Random(3);
    DiskBackend store = DiskBackend.open(live, options);
    try {
      for (int i = 0; i < 12; i++) {
        byte[] data = DiskBackendTest.bytes(random, 200);
        Hash hash = store.put(data);
        flushed.put(hash, data);
        order.add(hash);
      }
      store.setRef("refs/heads/main", order.get(0));
      store.setRef("refs/heads/gone", order.get(1));
      assertThat(store.testAndSetRef("refs/heads/gone", order.get(1), null)).isTrue();
      store.flush();
      StoreFiles.copy(live, crashed);
    } finally {
      store.close();
    }
    return crashed;
  }

  private static List<CorruptionException> verify(Path dir) {
    List<CorruptionException> found = new ArrayList<>();
    try (DiskBackend store = DiskBackend.open(dir, READ_ONLY)) {
      store.checkIntegrity(found::add);
    }
    return found;
  }

  private static List<String> files(List<CorruptionException> found) {
    return found.stream().map(e -> Path.of(e.file()).getFileName().toString()).toList();
  }

  @Test
  void aFlushedSegmentTruncatedAfterACrashIsReportedNotCut() throws IOException {
    Path dir = crashAfterFlush(DiskOptions.defaults());
    Path segment = StoreFiles.activeSegment(dir);
    long cut = Files.size(segment) - 150; // inside the last record
    StoreFiles.truncate(segment, cut);

    assertThatThrownBy(() -> DiskBackend.open(dir))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(segment.toString())
        .hasMessageContaining("synced")
        .hasMessageContaining("read-only");
    assertThat(Files.size(segment)).as("nothing cut off").isEqualTo(cut);

    try (DiskBackend store = DiskBackend.open(dir, READ_ONLY)) {
      assertThat(store.problems()).anyMatch(p -> p.contains(segment.toString()));
      Hash last = order.get(order.size() - 1);
      assertThatThrownBy(() -> store.read(last))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining(segment.toString());
      Hash first = order.get(0);
      assertThat(store.read(first)).hasValue(flushed.get(first));
    }
    List<CorruptionException> found = verify(dir);
    assertThat(files(found)).contains(segment.getFileName().toString());
    assertThat(found).anyMatch(e -> e.file().equals(segment.toString()) && e.offset() >= 0);
  }

  @Test
  void aFlushedSegmentZeroedAfterACrashIsReportedNotCut() throws IOException {
    Path dir = crashAfterFlush(DiskOptions.defaults());
    Path segment = StoreFiles.activeSegment(dir);
    byte[] bytes = Files.readAllBytes(segment);
    // Zeros from the middle of the segment to its end read like space a crash left unwritten.
    Arrays.fill(bytes, bytes.length / 2, bytes.length, (byte) 0);
    Files.write(segment, bytes);

    assertThatThrownBy(() -> DiskBackend.open(dir))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(segment.toString());
    assertThat(Files.readAllBytes(segment)).as("nothing cut off").isEqualTo(bytes);
    assertThat(files(verify(dir))).contains(segment.getFileName().toString());
  }

  @Test
  void aFlushedRecordThatFailsItsChecksumAfterACrashIsReportedNotCut() throws IOException {
    Path dir = crashAfterFlush(DiskOptions.defaults());
    Path segment = StoreFiles.activeSegment(dir);
    StoreFiles.flipBit(segment, (Files.size(segment) - 10) * 8); // in the last record

    assertThatThrownBy(() -> DiskBackend.open(dir))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(segment.toString());
    assertThat(files(verify(dir))).contains(segment.getFileName().toString());
  }

  @Test
  void aFlushedRefJournalTruncatedAfterACrashDoesNotBringADeletedRefBack() throws IOException {
    Path dir = crashAfterFlush(DiskOptions.defaults());
    Path journal = dir.resolve(RefJournal.FILE);
    // The last entry is the deletion of refs/heads/gone: cut it off.
    int deletion = 8 + 3 + "refs/heads/gone".length();
    long cut = Files.size(journal) - deletion;
    StoreFiles.truncate(journal, cut);

    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThatThrownBy(() -> store.getRef("refs/heads/gone"))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining(journal.toString());
      assertThatThrownBy(store::listRefs).isInstanceOf(CorruptionException.class);
      flushed.forEach((hash, data) -> assertThat(store.read(hash)).hasValue(data));
    }
    assertThat(Files.size(journal)).as("nothing cut off, nothing rewritten").isEqualTo(cut);
    List<CorruptionException> found = verify(dir);
    assertThat(found).anyMatch(e -> e.file().equals(journal.toString()) && e.offset() == cut);
  }

  /** Without a flush nothing was promised: a cut past the sync point is a torn tail. */
  @Test
  void recordsAppendedAfterTheLastFlushAreStillCutOffAsATornTail() throws IOException {
    Path dir = crashAfterFlush(DiskOptions.defaults());
    Path segment = StoreFiles.activeSegment(dir);
    long synced = Files.size(segment);
    StoreFiles.append(segment, new byte[] {0, 0, 1, 7, 9, 9, 9});
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.problems()).isEmpty();
      flushed.forEach((hash, data) -> assertThat(store.read(hash)).hasValue(data));
      assertThat(store.getRef("refs/heads/gone")).isEmpty();
    }
    assertThat(Files.size(segment)).isGreaterThanOrEqualTo(synced);
    assertThat(verify(dir)).isEmpty();
  }

  /**
   * A gap a cut left past the sync point (an unsynced record lost, a later one kept) is kept and
   * reported as before. A later flush or close must not claim it as synced, or the next open would
   * refuse the store for damage that no sync ever covered.
   */
  @Test
  void aGapOfLostUnsyncedRecordsIsNeverClaimedAsSyncedByALaterFlush() throws IOException {
    DiskOptions never = DiskOptions.builder().fsync(DiskOptions.Fsync.NEVER).build();
    Path live = temp.resolve("live");
    Path crashed = temp.resolve("crashed");
    Random random = new Random(9);
    long synced;
    long lostEnd;
    byte[] kept = DiskBackendTest.bytes(random, 100);
    try (DiskBackend store = DiskBackend.open(live, never)) {
      for (int i = 0; i < 5; i++) {
        store.put(DiskBackendTest.bytes(random, 100));
      }
      store.flush();
      synced = Files.size(StoreFiles.activeSegment(live));
      store.put(DiskBackendTest.bytes(random, 100));
      lostEnd = Files.size(StoreFiles.activeSegment(live));
      store.put(kept);
      StoreFiles.copy(live, crashed);
    }
    Path segment = StoreFiles.activeSegment(crashed);
    byte[] bytes = Files.readAllBytes(segment);
    Arrays.fill(bytes, (int) synced, (int) lostEnd, (byte) 0);
    Files.write(segment, bytes);

    byte[] later = {4, 4, 4};
    Path again = temp.resolve("crashed-again");
    try (DiskBackend store = DiskBackend.open(crashed, never)) {
      assertThat(store.problems())
          .singleElement()
          .asString()
          .contains("damaged record skipped")
          .doesNotContain("synced");
      assertThat(store.read(store.hashAlgorithm().hash(kept))).hasValue(kept);
      store.put(later);
      store.flush();
      StoreFiles.copy(crashed, again); // a second crash, after the flush
    }
    try (DiskBackend store = DiskBackend.open(again, never)) {
      assertThat(store.problems())
          .singleElement()
          .asString()
          .contains("damaged record skipped")
          .doesNotContain("synced");
      assertThat(store.read(store.hashAlgorithm().hash(later))).hasValue(later);
    }
    assertThat(verify(again))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain("synced"));
  }

  @Test
  void aTornSyncPointOpensAsBeforeSaysSoAndIsRecordedAgain() throws IOException {
    Path dir = crashAfterFlush(DiskOptions.defaults());
    Path journal = dir.resolve(RefJournal.FILE);
    byte[] bytes = Files.readAllBytes(journal);
    for (int i = SyncPoint.OFFSET + 5; i < SyncPoint.OFFSET + SyncPoint.SIZE; i++) {
      bytes[i] = (byte) 0xA5; // the last part of the write never reached the disk
    }
    Files.write(journal, bytes);
    Path segment = StoreFiles.activeSegment(dir);
    StoreFiles.append(segment, new byte[] {0, 0, 0, 3, 1, 2}); // and a torn tail

    assertThat(files(verify(dir))).containsExactly(RefJournal.FILE);
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.problems())
          .singleElement()
          .asString()
          .contains("sync point")
          .contains("fails its checksum");
      flushed.forEach((hash, data) -> assertThat(store.read(hash)).hasValue(data));
      assertThat(store.getRef("refs/heads/main")).hasValue(order.get(0));
      assertThat(store.getRef("refs/heads/gone")).isEmpty();
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.problems()).isEmpty();
    }
    assertThat(verify(dir)).isEmpty();
  }

  /**
   * A power cut at every operation of a flush (the sync point written but not synced, torn, or
   * lost): the store opens, loses nothing flushed before, and reports at most the torn sync point;
   * after a flush that returned, cutting the segment is reported.
   */
  @Test
  void aPowerCutAtAnyOperationOfAFlushLeavesAStoreThatOpens() throws IOException {
    DiskOptions never = DiskOptions.builder().fsync(DiskOptions.Fsync.NEVER).build();
    int torn = 0;
    int runs = 0;
    boolean flushReturned = false;
    for (int k = 1; !flushReturned; k++) {
      for (int seed = 0; seed < 4; seed++) {
        runs++;
        Path dir = temp.resolve("cut" + k + "-" + seed);
        Map<Hash, byte[]> durable = new LinkedHashMap<>();
        try (FaultyFileSystem fs = FaultyFileSystem.create(k * 10L + seed)) {
          DiskBackend store = DiskBackend.open(fs.path(dir), never);
          Random random = new Random(k);
          for (int i = 0; i < 5; i++) {
            byte[] data = DiskBackendTest.bytes(random, 100);
            durable.put(store.put(data), data);
          }
          store.setRef("refs/heads/main", durable.keySet().iterator().next());
          store.flush();
          // One record and one ref entry the flush below has to sync first (one write each,
          // so a cut tears them at most, never keeps a later one and loses an earlier one).
          byte[] last = DiskBackendTest.bytes(random, 100);
          Hash lastHash = store.put(last);
          store.setRef("refs/heads/other", durable.keySet().iterator().next());
          fs.failOperationsFrom(fs.operations() + k);
          try {
            store.flush();
            flushReturned = true;
            durable.put(lastHash, last);
          } catch (RuntimeException e) {
            flushReturned = false;
          }
          fs.powerLoss(
              seed % 2 == 0 ? FaultyFileSystem.Loss.REORDER : FaultyFileSystem.Loss.RANDOM);
          try {
            store.close();
          } catch (RuntimeException e) {
            // The power is off.
          }
        }
        if (flushReturned) {
          // What the flush synced is recorded durably: the whole segment and journal.
          byte[] journal = Files.readAllBytes(dir.resolve(RefJournal.FILE));
          SyncPoint point = SyncPoint.decode(journal, SyncPoint.OFFSET, 48);
          assertThat(point).as("seed %d", seed).isNotNull();
          assertThat(point.segmentLength()).isEqualTo(Files.size(StoreFiles.activeSegment(dir)));
          assertThat(point.journalLength()).isEqualTo(journal.length);
        }
        try (DiskBackend store = DiskBackend.open(dir, never)) {
          for (String problem : store.problems()) {
            assertThat(problem)
                .as("cut at operation %d of the flush", k)
                .contains("sync point")
                .contains("fails its checksum");
            torn++;
          }
          for (Map.Entry<Hash, byte[]> object : durable.entrySet()) {
            assertThat(store.read(object.getKey())).as("cut at %d", k).hasValue(object.getValue());
          }
          assertThat(store.getRef("refs/heads/main")).isPresent();
        }
        assertThat(verify(dir)).as("cut at operation %d, after recovery", k).isEmpty();
      }
    }
    System.out.printf("power cut in a flush: %d runs, %d torn sync points reported%n", runs, torn);
  }

  /**
   * A store whose journal is format 2 (no sync point, entries from offset 20) opens as before,
   * read-only without change, and a writer rewrites it as format 3.
   */
  @Test
  void aStoreWithAFormat2JournalOpensAsBeforeAndAWriterUpgradesIt() throws IOException {
    Path dir = temp.resolve("old");
    Hash hash;
    try (DiskBackend store = DiskBackend.open(dir)) {
      hash = store.put(new byte[] {1, 2});
      store.setRef("refs/heads/main", hash);
    }
    Path journal = dir.resolve(RefJournal.FILE);
    byte[] current = Files.readAllBytes(journal);
    byte[] entries = Arrays.copyOfRange(current, SyncPoint.OFFSET + SyncPoint.SIZE, current.length);
    ByteBuffer old =
        ByteBuffer.allocate(20 + entries.length)
            .put("CAIRNRF2".getBytes(StandardCharsets.US_ASCII))
            .putLong(20 + entries.length);
    CRC32C crc = new CRC32C();
    crc.update(old.array(), 0, 16);
    old.putInt((int) crc.getValue()).put(entries);
    Files.write(journal, old.array());

    try (DiskBackend store = DiskBackend.open(dir, READ_ONLY)) {
      assertThat(store.getRef("refs/heads/main")).hasValue(hash);
      assertThat(store.problems()).isEmpty();
    }
    assertThat(Files.readAllBytes(journal)).isEqualTo(old.array());
    assertThat(verify(dir)).isEmpty();
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.getRef("refs/heads/main")).hasValue(hash);
      assertThat(store.problems()).isEmpty();
    }
    assertThat(new String(Files.readAllBytes(journal), 0, 8, StandardCharsets.US_ASCII))
        .isEqualTo("CAIRNRF3");
    assertThat(verify(dir)).isEmpty();
  }
}
