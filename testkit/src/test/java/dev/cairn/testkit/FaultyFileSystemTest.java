package dev.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultyFileSystemTest {
  @TempDir Path temp;

  private static void sync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Test
  void pathsStandForTheSamePathsOfTheDefaultFileSystem() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(1)) {
      Path file = fs.path(temp).resolve("a.txt");
      assertThat(file.getFileSystem()).isSameAs(fs);
      Files.writeString(file, "hello");
      assertThat(Files.readString(temp.resolve("a.txt"))).isEqualTo("hello");
      assertThat(fs.getPath(temp.toString(), "a.txt")).isEqualTo(file);
      try (var listing = Files.list(fs.path(temp))) {
        assertThat(listing).containsExactly(file);
      }
      assertThatThrownBy(file::toFile).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void dropLosesEveryWriteSinceTheLastSyncAndKeepsTheSyncedOnes() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(2)) {
      Path dir = fs.path(temp);
      Path file = dir.resolve("log");
      append(file, "durable;");
      sync(file);
      syncDirectory(dir);
      append(file, "lost;");
      Files.write(file, "X".getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE);
      assertThat(Files.readString(file)).isEqualTo("Xurable;lost;");
      fs.powerLoss(FaultyFileSystem.Loss.DROP);
      assertThat(Files.readString(file)).isEqualTo("durable;");
    }
  }

  @Test
  void truncateKeepsAPrefixOfTheUnsyncedWritesAndReorderAnySubset() throws IOException {
    Set<String> truncated = new HashSet<>();
    Set<String> reordered = new HashSet<>();
    for (int seed = 0; seed < 60; seed++) {
      for (FaultyFileSystem.Loss loss :
          new FaultyFileSystem.Loss[] {
            FaultyFileSystem.Loss.TRUNCATE, FaultyFileSystem.Loss.REORDER
          }) {
        Path dir = Files.createTempDirectory(temp, "run");
        try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
          Path file = fs.path(dir).resolve("log");
          append(file, "a");
          sync(file);
          syncDirectory(fs.path(dir));
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("b".getBytes(StandardCharsets.UTF_8)), 1);
            channel.write(ByteBuffer.wrap("c".getBytes(StandardCharsets.UTF_8)), 2);
          }
          fs.powerLoss(loss);
          String after = Files.readString(file);
          (loss == FaultyFileSystem.Loss.TRUNCATE ? truncated : reordered).add(after);
        }
      }
    }
    assertThat(truncated).containsExactlyInAnyOrder("a", "ab", "abc");
    // "a\0c": the second write reached the disk, the first did not.
    assertThat(reordered).containsExactlyInAnyOrder("a", "ab", "abc", "a\0c");
  }

  @Test
  void aWriteCutShortKeepsWholeSectors() throws IOException {
    Set<Long> sizes = new HashSet<>();
    for (int seed = 0; seed < 40; seed++) {
      Path dir = Files.createTempDirectory(temp, "run");
      try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
        Path file = fs.path(dir).resolve("big");
        Files.write(file, new byte[0]);
        sync(file);
        syncDirectory(fs.path(dir));
        Files.write(file, new byte[4096], StandardOpenOption.WRITE);
        fs.powerLoss(FaultyFileSystem.Loss.TRUNCATE);
        long size = Files.size(file);
        assertThat(size % 512).isZero();
        sizes.add(size);
      }
    }
    assertThat(sizes).contains(0L, 4096L).hasSizeGreaterThan(2);
  }

  @Test
  void aFileCreatedSinceItsDirectoryWasSyncedMayBeForgottenButNotOnceItIs() throws IOException {
    int forgotten = 0;
    for (int seed = 0; seed < 30; seed++) {
      Path dir = Files.createTempDirectory(temp, "run");
      try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
        Path kept = fs.path(dir).resolve("kept");
        Path maybe = fs.path(dir).resolve("maybe");
        Files.writeString(kept, "k");
        sync(kept);
        syncDirectory(fs.path(dir));
        Files.writeString(maybe, "m");
        sync(maybe);
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
        assertThat(Files.readString(kept)).isEqualTo("k");
        if (Files.exists(maybe)) {
          assertThat(Files.readString(maybe)).isEqualTo("m");
        } else {
          forgotten++;
        }
      }
    }
    assertThat(forgotten).isBetween(1, 29);
  }

  @Test
  void anUnsyncedRenameLeavesTheOldOrTheNewFileNeverNone() throws IOException {
    Set<String> seen = new HashSet<>();
    for (int seed = 0; seed < 30; seed++) {
      Path dir = Files.createTempDirectory(temp, "run");
      try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
        Path target = fs.path(dir).resolve("manifest");
        Path temporary = fs.path(dir).resolve("manifest.tmp");
        Files.writeString(target, "old");
        sync(target);
        syncDirectory(fs.path(dir));
        Files.writeString(temporary, "new");
        sync(temporary);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
        seen.add(Files.readString(target));
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("old", "new");
  }

  @Test
  void anUnsyncedDeleteMayBeUndone() throws IOException {
    Set<Boolean> seen = new HashSet<>();
    for (int seed = 0; seed < 30; seed++) {
      Path dir = Files.createTempDirectory(temp, "run");
      try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
        Path file = fs.path(dir).resolve("segment");
        Files.writeString(file, "bytes");
        sync(file);
        syncDirectory(fs.path(dir));
        Files.delete(file);
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
        seen.add(Files.exists(file));
        if (Files.exists(file)) {
          assertThat(Files.readString(file)).isEqualTo("bytes");
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(true, false);
  }

  @Test
  void channelsOpenedBeforeAPowerLossAreDead() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(3)) {
      Path file = fs.path(temp).resolve("f");
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      fs.powerLoss(FaultyFileSystem.Loss.DROP);
      assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[1])))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("power was lost");
      channel.close();
      assertThat(fs.openFiles()).isEmpty();
    }
  }

  @Test
  void failsTheKthOperationOnceOrFromThenOn() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(4)) {
      Path file = fs.path(temp).resolve("f");
      long before = fs.operations();
      fs.failOperation(before + 2);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[1])))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("injected failure of I/O operation #" + (before + 2) + " write");
        assertThat(channel.write(ByteBuffer.wrap(new byte[1]))).isEqualTo(1);
        fs.failOperationsFrom(fs.operations() + 1);
        assertThatThrownBy(() -> channel.force(false)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> channel.force(true)).isInstanceOf(IOException.class);
        fs.heal();
        channel.force(true);
      }
      assertThat(fs.recentOperations()).last().asString().contains("sync");
    }
  }

  @Test
  void aFullDiskWritesWhatFitsThenFails() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(5)) {
      Path file = fs.path(temp).resolve("f");
      fs.spaceLimit(10);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        assertThat(channel.write(ByteBuffer.wrap(new byte[25]))).isEqualTo(10);
        assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[1])))
            .hasMessage("No space left on device");
        fs.heal();
        assertThat(channel.write(ByteBuffer.wrap(new byte[15]))).isEqualTo(15);
      }
      assertThat(Files.size(file)).isEqualTo(25);
    }
  }

  @Test
  void aCopyOnAFullDiskCopiesWhatFitsThenFails() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(5)) {
      Path source = fs.path(temp).resolve("source");
      Files.write(source, new byte[100]);
      fs.spaceLimit(40);
      Path target = fs.path(temp).resolve("target");
      assertThatThrownBy(() -> Files.copy(source, target)).hasMessage("No space left on device");
      assertThat(Files.size(target)).isEqualTo(40);
      assertThatThrownBy(() -> Files.copy(source, fs.path(temp).resolve("other")))
          .hasMessage("No space left on device");
      fs.heal();
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      assertThat(Files.size(target)).isEqualTo(100);
    }
  }

  @Test
  void aListenerSeesEachOperationAndCanSwitchAFaultOnAtIt() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(5)) {
      java.util.List<String> seen = new java.util.ArrayList<>();
      fs.listener(
          what -> {
            seen.add(what);
            if (what.endsWith(" write " + temp.resolve("manifest"))
                && seen.stream()
                        .filter(w -> w.contains(" write " + temp.resolve("manifest")))
                        .count()
                    == 1) {
              fs.spaceLimit(3);
            }
          });
      Files.write(fs.path(temp).resolve("data"), new byte[50]);
      assertThatThrownBy(() -> Files.write(fs.path(temp).resolve("manifest"), new byte[10]))
          .hasMessage("No space left on device");
      assertThat(Files.size(temp.resolve("manifest"))).isEqualTo(3);
      assertThat(seen)
          .anyMatch(what -> what.contains(" write " + temp.resolve("data")))
          .last()
          .asString()
          .contains("write " + temp.resolve("manifest"));
      assertThat(seen).isEqualTo(fs.recentOperations());
    }
  }

  @Test
  void shortTransfersMoveFewerBytesButLoopsStillGetThemAll() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(6)) {
      Path file = fs.path(temp).resolve("f");
      fs.shortTransfers(true);
      byte[] data = new byte[10_000];
      new java.util.Random(6).nextBytes(data);
      int firstWrite;
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        firstWrite = channel.write(ByteBuffer.wrap(data));
      }
      assertThat(firstWrite).isBetween(1, data.length);
      long shortenedBefore = fs.shortenedTransfers();
      Files.write(file, data);
      assertThat(fs.shortenedTransfers()).isGreaterThan(shortenedBefore);
      assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }
  }

  @Test
  void listsTheFilesLeftOpen() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(7)) {
      Path file = fs.path(temp).resolve("leaked");
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      assertThat(fs.openFiles()).containsExactly(temp.resolve("leaked").toString());
      channel.close();
      assertThat(fs.openFiles()).isEmpty();
    }
  }
}
