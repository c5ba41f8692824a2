package dev.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file helpers a plugin builds a store on: {@link ObjectFiles}, {@link RefsFile} and {@link
 * HashAlgorithmFile}, against testkit's {@link FaultyFileSystem} where crashes matter.
 */
class ObjectFilesTest {
  private static final HashAlgorithm SHA1 = HashAlgorithm.SHA1;

  @TempDir Path dir;
  private DirectoryLock lock;

  @BeforeEach
  void lock() throws IOException {
    // On the default file system, so a simulated power loss of the store's does not kill it.
    lock = DirectoryLock.create(dir.resolve("lock"), "test");
  }

  @AfterEach
  void unlock() {
    lock.close();
  }

  private static Map<Hash, byte[]> batch(String prefix, int n) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] data = (prefix + " object " + i).getBytes(StandardCharsets.UTF_8);
      batch.put(SHA1.hash(data), data);
    }
    return batch;
  }

  @Test
  void objectsAreReadBackListedAndNotWrittenTwice() {
    ObjectFiles files = ObjectFiles.open(dir.resolve("store"), SHA1, lock);
    Map<Hash, byte[]> batch = batch("a", 3);
    files.write(batch);
    files.write(batch);
    batch.forEach((hash, data) -> assertThat(files.read(hash)).hasValue(data));
    assertThat(files.list()).containsExactlyInAnyOrderElementsOf(batch.keySet());
    Hash absent = SHA1.hash(new byte[] {1});
    assertThat(files.read(absent)).isEmpty();
    assertThat(files.contains(absent)).isFalse();
  }

  @Test
  void aDamagedFileIsReportedNeverServed() throws IOException {
    ObjectFiles files = ObjectFiles.open(dir.resolve("store"), SHA1, lock);
    Map<Hash, byte[]> batch = batch("a", 1);
    files.write(batch);
    Hash hash = batch.keySet().iterator().next();
    Files.writeString(files.file(hash), "other bytes");
    assertThatThrownBy(() -> files.read(hash))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(files.file(hash).toString())
        .hasMessageContaining("not to the " + hash);
  }

  @Test
  void aBatchCutShortAtAnyOperationByAPowerCutIsWholeOrAbsent() throws IOException {
    Map<Hash, byte[]> first = batch("first", 2);
    Map<Hash, byte[]> second = batch("second", 4);
    for (int k = 1; ; k++) {
      try (FaultyFileSystem fs = FaultyFileSystem.create(k)) {
        Path store = fs.path(dir).resolve("k" + k);
        ObjectFiles.open(store, SHA1, lock).write(first);
        fs.failOperation(fs.operations() + k);
        boolean failed = false;
        try {
          ObjectFiles.open(store, SHA1, lock).write(second);
        } catch (StoreIOException e) {
          failed = true;
        }
        fs.heal();
        fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
        ObjectFiles reopened = ObjectFiles.open(store, SHA1, lock);
        first.forEach((hash, data) -> assertThat(reopened.read(hash)).hasValue(data));
        long held = second.keySet().stream().filter(reopened::contains).count();
        assertThat(held)
            .as("objects of the cut batch held after operation %d failed", k)
            .isIn(0L, (long) second.size());
        second.forEach(
            (hash, data) ->
                reopened.read(hash).ifPresent(read -> assertThat(read).isEqualTo(data)));
        try (var staged = Files.list(store.resolve("staging"))) {
          assertThat(staged).as("staging after recovery").isEmpty();
        }
        if (!failed) {
          assertThat(held).isEqualTo(second.size());
          return; // k is past the batch's last operation: each was failed once
        }
      }
    }
  }

  @Test
  void writesStopOnceTheLockIsLost() throws IOException {
    ObjectFiles files = ObjectFiles.open(dir.resolve("store"), SHA1, lock);
    Files.delete(lock.file());
    assertThatThrownBy(() -> files.write(batch("a", 1)))
        .isInstanceOf(DirectoryLock.LostException.class);
    assertThatThrownBy(() -> RefsFile.write(dir.resolve("refs"), Map.of(), lock))
        .isInstanceOf(DirectoryLock.LostException.class);
    assertThat(files.list()).isEmpty();
    assertThat(dir.resolve("refs")).doesNotExist();
  }

  @Test
  void refsAreReplacedWholeAndADamagedLineIsNamed() throws IOException {
    Path file = dir.resolve("refs");
    assertThat(RefsFile.read(file, SHA1)).isEmpty();
    Hash a = SHA1.hash(new byte[] {1});
    TreeMap<String, Hash> refs = new TreeMap<>(Map.of("refs/heads/b", a, "refs/heads/a b", a));
    RefsFile.write(file, refs, lock);
    assertThat(RefsFile.read(file, SHA1)).isEqualTo(refs);
    Files.writeString(file, a.toHex() + " refs/heads/a\nnot a hash\n");
    assertThatThrownBy(() -> RefsFile.read(file, SHA1))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("'not a hash'");
  }

  @Test
  void theRecordedAlgorithmIsKeptAndAnotherOneAskedIsRefused() {
    Path store = dir.resolve("store");
    assertThat(
            HashAlgorithmFile.choose(store, "x:" + store, Optional.empty(), HashAlgorithm::forName))
        .isEqualTo(HashAlgorithm.SHA256);
    HashAlgorithmFile.record(dir, SHA1);
    HashAlgorithmFile.record(dir, SHA1);
    assertThat(HashAlgorithmFile.read(dir)).hasValue("sha1");
    assertThat(HashAlgorithmFile.choose(dir, "x:" + dir, Optional.empty(), HashAlgorithm::forName))
        .isEqualTo(SHA1);
    assertThatThrownBy(
            () ->
                HashAlgorithmFile.choose(
                    dir, "x:" + dir, Optional.of("sha256"), HashAlgorithm::forName))
        .isInstanceOf(HashAlgorithmMismatchException.class)
        .hasMessage(
            "x:"
                + dir
                + " holds sha1 hashes (recorded in "
                + dir.resolve("hash")
                + "), but hash=sha256 was asked");
  }
}
