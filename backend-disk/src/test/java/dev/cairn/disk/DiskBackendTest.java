package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Reloadable;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoredObject;
import dev.cairn.storage.DirectoryLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBackendTest {
  @TempDir Path dir;

  static byte[] bytes(Random random, int max) {
    byte[] data = new byte[random.nextInt(max + 1)];
    random.nextBytes(data);
    return data;
  }

  private static DiskOptions small() {
    return DiskOptions.builder().segmentSize(8192).build();
  }

  @Test
  void storesReadsAndReportsAbsentObjects() {
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash hash = store.put("hello".getBytes());
      assertThat(store.read(hash)).hasValue("hello".getBytes());
      assertThat(store.exists(hash)).isTrue();
      Hash absent = HashAlgorithm.SHA256.hash(new byte[] {1});
      assertThat(store.read(absent)).isEmpty();
      assertThat(store.exists(absent)).isFalse();
      assertThat(store.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA256);
    }
  }

  @Test
  void everythingSurvivesReopenAcrossSealedSegments() throws IOException {
    Random random = new Random(1);
    Map<Hash, byte[]> written = new LinkedHashMap<>();
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      for (int i = 0; i < 300; i++) {
        byte[] data = bytes(random, 300);
        written.put(store.put(data), data);
      }
      Map<Hash, byte[]> batch = new LinkedHashMap<>();
      for (int i = 0; i < 50; i++) {
        byte[] data = bytes(random, 300);
        batch.put(HashAlgorithm.SHA256.hash(data), data);
      }
      store.writeBatch(batch);
      written.putAll(batch);
      store.setRef("refs/heads/main", written.keySet().iterator().next());
      written.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".idx")).count()).isGreaterThan(5);
    }
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      written.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
      assertThat(store.getRef("refs/heads/main")).hasValue(written.keySet().iterator().next());
      assertThat(store.problems()).isEmpty();
    }
  }

  @Test
  void reopensAfterAbandonWithoutClose() {
    Random random = new Random(2);
    Map<Hash, byte[]> written = new LinkedHashMap<>();
    DiskBackend store = DiskBackend.open(dir, small());
    for (int i = 0; i < 100; i++) {
      byte[] data = bytes(random, 200);
      written.put(store.put(data), data);
    }
    // No checkpoint is written: closing the lock alone models the process dying.
    store.close();
    try (DiskBackend again = DiskBackend.open(dir, small())) {
      written.forEach((h, d) -> assertThat(again.read(h)).hasValue(d));
    }
  }

  @Test
  void refsSupportCompareAndSetAndDeletion() {
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash a = store.put(new byte[] {1});
      Hash b = store.put(new byte[] {2});
      assertThat(store.testAndSetRef("r", null, a)).isTrue();
      assertThat(store.testAndSetRef("r", null, b)).isFalse();
      assertThat(store.testAndSetRef("r", b, a)).isFalse();
      assertThat(store.testAndSetRef("r", a, b)).isTrue();
      assertThat(store.getRef("r")).hasValue(b);
      store.setRef("x/y", a);
      assertThat(store.listRefs()).containsExactly("r", "x/y");
      assertThat(store.testAndSetRef("r", b, null)).isTrue();
      assertThat(store.getRef("r")).isEmpty();
      assertThat(store.testAndSetRef("r", null, null)).isTrue();
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.listRefs()).containsExactly("x/y");
    }
  }

  @Test
  void refJournalIsRewrittenWhenMostlySuperseded() throws IOException {
    Hash last = null;
    try (DiskBackend store =
        DiskBackend.open(dir, DiskOptions.builder().fsync(DiskOptions.Fsync.NEVER).build())) {
      for (int i = 0; i < 30_000; i++) {
        last = store.put(Integer.toString(i).getBytes());
        store.setRef("refs/heads/main", last);
      }
    }
    assertThat(Files.size(dir.resolve(RefJournal.FILE))).isLessThan(1 << 20);
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.getRef("refs/heads/main")).hasValue(last);
    }
  }

  @Test
  void anExistingStoreKeepsItsAlgorithm() {
    try (DiskBackend store =
        DiskBackend.open(dir, DiskOptions.builder().hashAlgorithm(HashAlgorithm.SHA1).build())) {
      assertThat(store.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA1);
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA1);
    }
    assertThatThrownBy(
            () ->
                DiskBackend.open(
                    dir, DiskOptions.builder().hashAlgorithm(HashAlgorithm.SHA256).build()))
        .isInstanceOf(HashAlgorithmMismatchException.class)
        .hasMessageContaining("hash=sha1")
        .hasMessageContaining("hash=sha256");
    // The failed open released the lock.
    DiskBackend.open(dir).close();
  }

  @Test
  void aSecondWriterIsLockedOut() {
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThatThrownBy(() -> DiskBackend.open(dir))
          .isInstanceOf(DirectoryLock.LockedException.class)
          .hasMessageContaining("already open for writing");
    }
    DiskBackend.open(dir).close();
  }

  @Test
  void readOnlyOpenerSeesTheWritersProgressOnReload() {
    Random random = new Random(3);
    try (DiskBackend writer = DiskBackend.open(dir, small())) {
      Hash first = writer.put(new byte[] {42});
      try (DiskBackend reader = DiskBackend.open(dir, small().toBuilder().readOnly(true).build())) {
        assertThat(reader.read(first)).hasValue(new byte[] {42});
        assertThat(reader.capabilities()).doesNotContain(dev.cairn.spi.Capability.WRITE_OBJECTS);
        assertThatThrownBy(() -> reader.put(new byte[] {1}))
            .isInstanceOf(ReadOnlyStoreException.class);
        assertThat(reader.feature(Compaction.class)).isEmpty();
        Map<Hash, byte[]> written = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
          byte[] data = bytes(random, 200);
          written.put(writer.put(data), data);
        }
        writer.setRef("refs/heads/main", first);
        Reloadable reloadable = reader.feature(Reloadable.class).orElseThrow();
        assertThat(reloadable.reload()).isTrue();
        written.forEach((h, d) -> assertThat(reader.read(h)).hasValue(d));
        assertThat(reader.getRef("refs/heads/main")).hasValue(first);
        assertThat(reloadable.reload()).isFalse();
        writer.compact(h -> !h.equals(first));
        reloadable.reload();
        assertThat(reader.read(first)).isEmpty();
        written.forEach((h, d) -> assertThat(reader.read(h)).hasValue(d));
      }
    }
  }

  @Test
  void readOnlyOpenOfAMissingStoreFails() {
    assertThatThrownBy(
            () ->
                DiskBackend.open(dir.resolve("none"), DiskOptions.builder().readOnly(true).build()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("no store");
  }

  @Test
  void enumerationVisitsEveryObject() {
    Random random = new Random(4);
    Set<Hash> written = new HashSet<>();
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      for (int i = 0; i < 200; i++) {
        written.add(store.put(bytes(random, 200)));
      }
      Set<Hash> seen = new HashSet<>();
      List<StoredObject> objects = new ArrayList<>();
      store.feature(ObjectEnumeration.class).orElseThrow().forEachObject(objects::add);
      objects.forEach(o -> seen.add(o.hash()));
      assertThat(seen).isEqualTo(written);
      objects.forEach(o -> assertThat(store.read(o.hash()).orElseThrow()).hasSize((int) o.size()));
    }
  }

  @Test
  void compactionKeepsWhatIsAskedAndFreesTheRest() throws IOException {
    Random random = new Random(5);
    Map<Hash, byte[]> kept = new LinkedHashMap<>();
    Set<Hash> dropped = new HashSet<>();
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      for (int i = 0; i < 400; i++) {
        byte[] data = bytes(random, 200);
        Hash hash = store.put(data);
        if (i % 4 == 0) {
          kept.put(hash, data);
        } else {
          dropped.add(hash);
        }
      }
      long before = directorySize();
      Compaction.Result result =
          store.feature(Compaction.class).orElseThrow().compact(kept::containsKey);
      assertThat(result.kept()).isEqualTo(kept.size());
      assertThat(result.dropped()).isEqualTo(dropped.size());
      assertThat(directorySize()).isLessThan(before / 2);
      kept.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
      dropped.forEach(h -> assertThat(store.exists(h)).isFalse());
      Hash later = store.put(new byte[] {7});
      assertThat(store.read(later)).hasValue(new byte[] {7});
    }
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      kept.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
      dropped.forEach(h -> assertThat(store.exists(h)).isFalse());
      assertThat(store.problems()).isEmpty();
    }
  }

  @Test
  void aRewrittenObjectDuringCompactionSurvivesIt() {
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      byte[] data = {9, 9, 9};
      Hash hash = store.put(data);
      store.compact(
          h -> {
            store.put(data); // written while compaction runs: must be kept
            return false;
          });
      assertThat(store.read(hash)).hasValue(data);
    }
  }

  @Test
  void strayFilesAreRemovedOnOpen() throws IOException {
    DiskBackend.open(dir).close();
    Files.write(dir.resolve("seg-00000000000000ff.data"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("MANIFEST.tmp"), new byte[] {1});
    Files.write(dir.resolve("notes.txt"), new byte[] {1});
    DiskBackend.open(dir).close();
    assertThat(dir.resolve("seg-00000000000000ff.data")).doesNotExist();
    assertThat(dir.resolve("MANIFEST.tmp")).doesNotExist();
    assertThat(dir.resolve("notes.txt")).exists();
  }

  @Test
  void factoryBuildsFromASpec() {
    DiskStoreFactory factory = new DiskStoreFactory();
    dev.cairn.spi.StoreSpec spec =
        dev.cairn.spi.StoreSpec.leaf(
            "disk",
            dir.toString(),
            Map.of("fsync", "batch", "segment-size", "64k", "hash", "sha1", "verify", "true"));
    try (Backend store = factory.create(spec, Map.of(), dev.cairn.spi.StoreContext.standard())) {
      assertThat(store.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA1);
      Hash hash = store.put(new byte[] {5});
      assertThat(store.read(hash)).hasValue(new byte[] {5});
    }
    assertThat(
            java.util.ServiceLoader.load(dev.cairn.spi.StoreFactory.class).stream()
                .map(p -> p.get().name()))
        .contains("disk");
    assertThatThrownBy(
            () ->
                factory.create(
                    dev.cairn.spi.StoreSpec.leaf("disk", null, Map.of()),
                    Map.of(),
                    dev.cairn.spi.StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class);
  }

  @Test
  void concurrentWritersAllLand() throws Exception {
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      List<Thread> threads = new ArrayList<>();
      Map<Hash, byte[]> written = new java.util.concurrent.ConcurrentHashMap<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        threads.add(
            new Thread(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 100; i++) {
                    byte[] data = bytes(random, 100);
                    written.put(store.put(data), data);
                    if (i % 10 == 0) {
                      Map<Hash, byte[]> batch = new LinkedHashMap<>();
                      for (int j = 0; j < 5; j++) {
                        byte[] d = bytes(random, 100);
                        batch.put(HashAlgorithm.SHA256.hash(d), d);
                      }
                      store.writeBatch(batch);
                      written.putAll(batch);
                    }
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
      written.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
      assertThat(store.groupCommitSyncs()).isLessThanOrEqualTo(written.size());
    }
  }

  @Test
  void anInterruptedReaderDoesNotBreakTheStore() {
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      Hash hash = store.put(new byte[] {1, 2});
      Thread.currentThread().interrupt();
      try {
        store.read(hash); // may fail: the interrupt closes the channel under it
      } catch (dev.cairn.spi.StoreIOException expected) {
        // the caller was interrupted
      } finally {
        Thread.interrupted();
      }
      assertThat(store.read(hash)).hasValue(new byte[] {1, 2});
      Hash next = store.put(new byte[] {3});
      assertThat(store.read(next)).hasValue(new byte[] {3});
    }
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      assertThat(store.read(HashAlgorithm.SHA256.hash(new byte[] {3}))).hasValue(new byte[] {3});
    }
  }

  @Test
  void aDamagedIndexIsReportedBypassedAndRebuilt() throws IOException {
    Random random = new Random(8);
    Map<Hash, byte[]> written = new LinkedHashMap<>();
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      for (int i = 0; i < 200; i++) {
        byte[] data = bytes(random, 200);
        written.put(store.put(data), data);
      }
    }
    Path index;
    try (Stream<Path> files = Files.list(dir)) {
      index = files.filter(p -> p.toString().endsWith(".idx")).sorted().findFirst().orElseThrow();
    }
    StoreFiles.flipBit(index, (SegmentIndex.HEADER + 256 * 4) * 8 + 3); // in the first hash
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      // Opening reads no index table; the first lookup in the segment checks it.
      written.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
      assertThat(String.join("\n", store.problems()))
          .contains("index checksum mismatch")
          .contains("rebuilt the index");
    }
    try (DiskBackend store = DiskBackend.open(dir, small())) {
      assertThat(store.problems()).isEmpty();
      written.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
    }
  }

  private long directorySize() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
