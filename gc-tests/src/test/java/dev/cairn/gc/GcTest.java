package dev.cairn.gc;

import static dev.cairn.gc.Stacks.gc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.decorators.Decorators;
import dev.cairn.decorators.LayeredStore;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GarbageCollection.Mode;
import dev.cairn.spi.GarbageCollection.Phase;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.spi.MalformedObjectException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.volume.Lower;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mark and sweep on small graphs, in archive and rolling mode, and through the decorators. */
class GcTest {
  private static final HashAlgorithm SHA1 = HashAlgorithm.SHA1;
  private static final GcOptions GIT = GcOptions.defaults().withLinks(LinkExtractor.forName("git"));

  @TempDir Path root;

  @Test
  void archiveModeMovesTheAbandonedBranchToTheLowerAndKeepsEverythingReadable() {
    GitHistory history;
    try (LayeredStore stack = Stacks.archived(root, SHA1)) {
      history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));

      GcReport report = gc(stack).gc(GIT);

      assertThat(report.mode()).isEqualTo(Mode.ARCHIVE);
      assertThat(report.generation()).isEqualTo(1);
      assertThat(report.marked()).isEqualTo(GitHistory.REACHABLE.size());
      assertThat(report.unreachable()).isEqualTo(GitHistory.UNREACHABLE.size());
      assertThat(report.archived()).isEqualTo(GitHistory.UNREACHABLE.size());
      assertThat(report.dropped()).isEqualTo(GitHistory.UNREACHABLE.size());
      assertThat(report.phases()).containsKeys(Phase.values());
      assertThat(report.toString()).contains("archive", "9 marked", "3 archived", "upper:");
      Lower lower = stack.lower().feature(Lower.class).orElseThrow();
      for (String name : GitHistory.REACHABLE) {
        assertThat(stack.upper().read(history.id(name)))
            .as(name)
            .hasValue(history.objects.get(name));
        assertThat(stack.lower().exists(history.id(name))).as(name).isFalse();
      }
      for (String name : GitHistory.UNREACHABLE) {
        assertThat(stack.upper().exists(history.id(name))).as(name).isFalse();
        assertThat(stack.lower().read(history.id(name)))
            .as(name)
            .hasValue(history.objects.get(name));
        assertThat(stack.read(history.id(name))).as(name).hasValue(history.objects.get(name));
      }
      assertThat(lower.volumes()).hasSize(1);

      GcReport again = gc(stack).gc(GIT);
      assertThat(again.unreachable()).isZero();
      assertThat(again.archived()).isZero();
      assertThat(again.dropped()).isZero();
      assertThat(again.marked()).isEqualTo(report.marked());
    }
    try (LayeredStore reopened = Stacks.archived(root, SHA1)) {
      history.ids.forEach(
          (name, id) -> assertThat(reopened.read(id)).as(name).hasValue(history.objects.get(name)));
    }
  }

  @Test
  void theUpperShrinksOnDiskAndEveryArchivedObjectReadsFromTheLower() {
    HashAlgorithm sha256 = HashAlgorithm.SHA256;
    List<Hash> kept = new ArrayList<>();
    List<Hash> archived = new ArrayList<>();
    java.util.Random random = new java.util.Random(5);
    try (LayeredStore stack = Stacks.archived(root, sha256)) {
      for (int i = 0; i < 400; i++) {
        byte[] data = new byte[2048];
        random.nextBytes(data);
        Hash hash = stack.put(data);
        (i % 4 == 0 ? kept : archived).add(hash);
      }
      for (int i = 0; i < kept.size(); i++) {
        stack.setRef("refs/k/" + i, kept.get(i));
      }
      stack.flush();
      long before = Stacks.bytesOnDisk(root.resolve("upper"));
      GcReport report = gc(stack).gc(GcOptions.defaults());
      assertThat(report.archived()).isEqualTo(archived.size());
      assertThat(report.bytesAfter()).isLessThan(report.bytesBefore() / 2);
      assertThat(Stacks.bytesOnDisk(root.resolve("upper"))).isLessThan(before / 2);
      archived.forEach(h -> assertThat(stack.lower().exists(h)).isTrue());
      kept.forEach(h -> assertThat(stack.upper().exists(h)).isTrue());
    }
    try (VolumeArchive lower = VolumeArchive.open(root.resolve("lower"), -1, true)) {
      archived.forEach(h -> assertThat(lower.read(h)).isPresent());
    }
  }

  @Test
  void withoutLinksOnlyRootsAndPinnedObjectsAreLive() {
    try (LayeredStore stack = Stacks.archived(root, SHA1)) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      GcReport report =
          gc(stack).gc(GcOptions.defaults().withPinned(List.of(history.id("blob x"))));
      assertThat(report.marked()).isEqualTo(2);
      assertThat(report.archived()).isEqualTo(history.ids.size() - 2);
      assertThat(stack.upper().exists(history.id("tag v1"))).isTrue();
      assertThat(stack.upper().exists(history.id("blob x"))).isTrue();
      assertThat(stack.upper().exists(history.id("commit 2"))).isFalse();
      history.ids.forEach(
          (name, id) -> assertThat(stack.read(id)).as(name).hasValue(history.objects.get(name)));
    }
  }

  @Test
  void rollingModeDropsWhatNothingReaches() {
    try (LayeredStore stack = Stacks.rolling(root, SHA1)) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      GcReport report = gc(stack).gc(GIT);
      assertThat(report.mode()).isEqualTo(Mode.ROLLING);
      assertThat(report.archived()).isZero();
      assertThat(report.dropped()).isEqualTo(GitHistory.UNREACHABLE.size());
      GitHistory.REACHABLE.forEach(
          name ->
              assertThat(stack.read(history.id(name)))
                  .as(name)
                  .hasValue(history.objects.get(name)));
      GitHistory.UNREACHABLE.forEach(
          name -> assertThat(stack.read(history.id(name))).as(name).isEmpty());
      assertThat(gc(stack).gc(GIT).dropped()).isZero();
    }
  }

  @Test
  void refsOfTheLowerAreRootsToo() {
    try (LayeredStore stack = Stacks.rolling(root, SHA1)) {
      GitHistory history = new GitHistory(stack);
      stack.lower().setRef("refs/heads/old", history.id("commit lost"));
      GcReport report = gc(stack).gc(GIT);
      assertThat(report.unreachable()).isEqualTo(4); // tree 2, blob second, commit 2, tag v1
      assertThat(stack.read(history.id("blob lost"))).isPresent();
      assertThat(stack.read(history.id("tag v1"))).isEmpty();
    }
  }

  @Test
  void aMalformedObjectStopsTheCollectionBeforeAnythingIsRemoved() {
    try (LayeredStore stack = Stacks.rolling(root, SHA1)) {
      GitHistory history = new GitHistory(stack);
      Hash junk = stack.put("not a git object".getBytes(StandardCharsets.UTF_8));
      stack.setRef("refs/heads/junk", junk);
      assertThatThrownBy(() -> gc(stack).gc(GIT))
          .isInstanceOf(MalformedObjectException.class)
          .hasMessageContaining(junk.toHex());
      history.ids.forEach((name, id) -> assertThat(stack.read(id)).as(name).isPresent());
    }
  }

  @Test
  void archiveModeNeedsAWritableLower() {
    try (LayeredStore stack =
        Decorators.layered(
            Stacks.disk(root.resolve("upper"), SHA1),
            Decorators.readOnly(MemoryBackend.create(SHA1)))) {
      assertThatThrownBy(() -> gc(stack).gc(GcOptions.defaults().withMode(Mode.ARCHIVE)))
          .isInstanceOf(StoreConfigurationException.class)
          .hasMessageContaining("read-only");
      assertThat(gc(stack).gc(GIT).mode()).as("auto, the lower read-only").isEqualTo(Mode.ROLLING);
    }
    VolumeArchive.builder(root.resolve("lower2")).hashAlgorithm(SHA1).open().close();
    try (LayeredStore stack =
        Decorators.layered(
            Stacks.disk(root.resolve("upper2"), SHA1),
            VolumeArchive.builder(root.resolve("lower2"))
                .hashAlgorithm(SHA1)
                .readOnly(true)
                .open())) {
      assertThatThrownBy(() -> gc(stack).gc(GcOptions.defaults()))
          .isInstanceOf(StoreConfigurationException.class)
          .hasMessageContaining("read-only");
    }
  }

  @Test
  void aReaderOfTheLowerSeesArchivedObjectsAfterItReloads() {
    try (LayeredStore stack = Stacks.archived(root, SHA1);
        VolumeArchive reader =
            VolumeArchive.builder(root.resolve("lower"))
                .readOnly(true)
                .hashAlgorithm(SHA1)
                .open()) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      Hash lost = history.id("commit lost");
      assertThat(reader.volumeNum()).isZero();
      assertThat(reader.read(lost)).isEmpty();
      gc(stack)
          .gc(
              GIT.withListener(
                  phase -> {
                    // The reader keeps reading while the collection runs.
                    assertThat(reader.exists(history.id("tag v1"))).isFalse();
                  }));
      reader.reload(1);
      for (String name : GitHistory.UNREACHABLE) {
        assertThat(reader.read(history.id(name))).as(name).hasValue(history.objects.get(name));
      }
    }
  }

  @Test
  void writesAndRefMovesDuringEachPhaseStayLive() {
    try (LayeredStore stack = Stacks.rolling(root, SHA1)) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      List<Hash> written = new ArrayList<>();
      List<Hash> resurrected = new ArrayList<>();
      GcReport report =
          gc(stack)
              .gc(
                  GIT.withListener(
                      phase -> {
                        // A new blob and a commit of a new tree that also points at the abandoned
                        // blob, which
                        // the writer does not write again: the barrier must trace the tree.
                        Hash blob = stack.put(GitObjects.blob("during " + phase));
                        Hash tree =
                            stack.put(
                                GitObjects.tree(
                                    new GitObjects.Entry("100644", "a", history.id("blob lost")),
                                    new GitObjects.Entry("100644", "b", blob)));
                        Hash commit =
                            stack.put(
                                GitObjects.commit(
                                    tree, List.of(history.id("commit 2")), "during " + phase));
                        written.addAll(List.of(blob, tree, commit));
                        stack.setRef("refs/heads/" + phase.name().toLowerCase(), commit);
                        if (phase == Phase.SCAN) {
                          // A ref moved back to the abandoned commit, which nothing wrote again.
                          assertThat(
                                  stack.testAndSetRef(
                                      "refs/heads/back", null, history.id("commit lost")))
                              .isTrue();
                          resurrected.addAll(
                              List.of(history.id("commit lost"), history.id("tree lost")));
                        }
                      }));
      assertThat(report.dropped()).isZero();
      written.forEach(h -> assertThat(stack.upper().exists(h)).as(h.toHex()).isTrue());
      resurrected.forEach(h -> assertThat(stack.upper().exists(h)).as(h.toHex()).isTrue());
      assertThat(stack.upper().exists(history.id("blob lost"))).isTrue();
    }
  }

  @Test
  void decoratorsPassTheCollectionThroughWhereTheyKeepTheirPromises() {
    LayeredStore layered = Stacks.rolling(root, SHA1);
    try (Backend cache = Decorators.cache(Decorators.stats(Decorators.verify(layered)), 100)) {
      GitHistory history = new GitHistory(cache);
      cache.setRef("refs/tags/v1", history.id("tag v1"));
      Hash lost = history.id("blob lost");
      assertThat(cache.read(lost)).isPresent(); // now cached
      GcReport report = gc(cache).gc(GIT);
      assertThat(report.dropped()).isEqualTo(3);
      assertThat(cache.read(lost)).isEmpty();
      assertThat(cache.exists(lost)).isFalse();
      assertThat(cache.read(history.id("tag v1"))).isPresent();

      Backend readOnly = Decorators.readOnly(layered);
      GarbageCollection refused = gc(readOnly);
      assertThatThrownBy(() -> refused.gc(GIT))
          .isInstanceOf(ReadOnlyStoreException.class)
          .hasMessageContaining("gc");
    }
  }

  @Test
  void storesThatCannotCollectOfferNoCollection() {
    try (Backend plain =
        Decorators.layered(
            dev.cairn.memory.MemoryBackend.create(SHA1),
            dev.cairn.memory.MemoryBackend.create(SHA1))) {
      assertThat(plain.feature(GarbageCollection.class)).isEmpty();
      assertThat(Decorators.cache(plain, 10).feature(GarbageCollection.class)).isEmpty();
    }
    try (Backend disk = Stacks.disk(root.resolve("alone"), SHA1)) {
      assertThat(disk.feature(GarbageCollection.class)).isEmpty();
    }
    assertThat(GcOptions.defaults().pinned()).isEqualTo(Set.of());
  }

  /**
   * Issue 19, item 1, for lowers that are not volume archives (disk, object storage, a database):
   * the collection archives into them by hash rather than dropping what the upper no longer
   * reaches.
   */
  @Test
  void aPersistentLowerThatIsNotAVolumeArchiveGetsTheUnreachableObjectsByHash() {
    try (LayeredStore stack =
        Decorators.layered(
            Stacks.disk(root.resolve("upper"), SHA1), Stacks.disk(root.resolve("lower"), SHA1))) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      GcReport report = gc(stack).gc(GIT);
      assertThat(report.mode()).isEqualTo(Mode.ARCHIVE);
      assertThat(report.archived()).isEqualTo(GitHistory.UNREACHABLE.size());
      assertThat(report.dropped()).isEqualTo(GitHistory.UNREACHABLE.size());
      GitHistory.UNREACHABLE.forEach(
          name -> {
            assertThat(stack.upper().exists(history.id(name))).as(name).isFalse();
            assertThat(stack.lower().read(history.id(name)))
                .as(name)
                .hasValue(history.objects.get(name));
          });
      history.ids.forEach(
          (name, id) -> assertThat(stack.read(id)).as(name).hasValue(history.objects.get(name)));
      GcReport again = gc(stack).gc(GIT);
      assertThat(again.archived()).isZero();
      assertThat(again.dropped()).isZero();
    }
    // What a crash between the archive and the compaction leaves: the objects in both layers.
    // The next collection writes nothing to the lower and drops them from the upper.
    try (LayeredStore stack =
        Decorators.layered(
            Stacks.disk(root.resolve("upper2"), SHA1), Stacks.disk(root.resolve("lower2"), SHA1))) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      GitHistory.UNREACHABLE.forEach(
          name -> stack.lower().write(history.id(name), history.objects.get(name)));
      GcReport report = gc(stack).gc(GIT);
      assertThat(report.archived()).isZero();
      assertThat(report.dropped()).isEqualTo(GitHistory.UNREACHABLE.size());
      history.ids.forEach(
          (name, id) -> assertThat(stack.read(id)).as(name).hasValue(history.objects.get(name)));
    }
  }

  @Test
  void archiveModeWritesIntoAWritableLowerInMemoryToo() {
    try (LayeredStore stack = Stacks.rolling(root, SHA1)) {
      GitHistory history = new GitHistory(stack);
      stack.setRef("refs/tags/v1", history.id("tag v1"));
      GcReport report = gc(stack).gc(GIT.withMode(Mode.ARCHIVE));
      assertThat(report.mode()).isEqualTo(Mode.ARCHIVE);
      assertThat(report.archived()).isEqualTo(GitHistory.UNREACHABLE.size());
      GitHistory.UNREACHABLE.forEach(
          name -> assertThat(stack.lower().exists(history.id(name))).as(name).isTrue());
    }
  }
}
