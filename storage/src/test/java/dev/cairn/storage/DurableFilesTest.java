package dev.cairn.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.cairn.spi.CorruptionException;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one durable-file layer, against testkit's {@link FaultyFileSystem}: each operation is durable
 * when it returns (power loss right after loses nothing), every injected failure reaches the
 * caller, and a replace that fails at any step leaves the old file whole.
 */
class DurableFilesTest {
  @TempDir Path dir;

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(UTF_8));
  }

  @Test
  void aReplaceSurvivesPowerLossOnceItReturns() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(1)) {
      Path file = fs.path(dir).resolve("MANIFEST");
      DurableFiles.replace(file, text("one"));
      DurableFiles.replace(file, text("two"));
      fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
      assertThat(Files.readString(file)).isEqualTo("two");
    }
  }

  @Test
  void aReplaceThatFailsAtAnyStepLeavesTheOldFileOrTheNewOneWhole() throws IOException {
    for (int k = 1; ; k++) {
      Path sub = Files.createDirectory(dir.resolve("k" + k));
      try (FaultyFileSystem fs = FaultyFileSystem.create(k)) {
        Path file = fs.path(sub).resolve("MANIFEST");
        DurableFiles.replace(file, text("old contents"));
        long before = fs.operations();
        fs.failOperation(before + k);
        boolean failed = false;
        try {
          DurableFiles.replace(file, text("new contents, longer"));
        } catch (IOException e) {
          failed = true;
        }
        fs.heal();
        fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
        assertThat(Files.readString(file))
            .as("failing operation %d", k)
            .isIn("old contents", "new contents, longer");
        if (!failed) {
          assertThat(Files.readString(file)).isEqualTo("new contents, longer");
          return; // k is past the last operation of a replace: every step was failed once.
        }
      }
    }
  }

  @Test
  void aReplaceThatRunsOutOfSpaceNamesTheFileItWasWriting() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(2)) {
      Path file = fs.path(dir).resolve("MANIFEST");
      fs.spaceLimit(8);
      assertThatThrownBy(() -> DurableFiles.replace(file, text("longer than the space left")))
          .isInstanceOf(IOException.class)
          .hasMessage(file + ".tmp: No space left on device");
      fs.heal();
      assertThat(Files.exists(file)).isFalse();
    }
  }

  /**
   * Regression: the volume archive's copy swallowed a failed directory sync, so that a swap could
   * return as durable when it was not.
   */
  @Test
  void aFailedDirectorySyncIsReportedNeverSwallowed() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(2)) {
      Path directory = fs.path(dir);
      for (int k = 1; k <= 2; k++) { // opening the directory, then syncing it
        fs.failOperation(fs.operations() + k);
        assertThatThrownBy(() -> DurableFiles.syncDirectory(directory))
            .as("failing operation %d of a directory sync", k)
            .isInstanceOf(IOException.class);
        fs.heal();
      }
      DurableFiles.syncDirectory(directory);
    }
  }

  /** Regression: the disk store's copy did not sync the directory after a rename. */
  @Test
  void aRenameSurvivesPowerLossOnceItReturns() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(3)) {
      Path source = fs.path(dir).resolve("a.tmp");
      Path target = fs.path(dir).resolve("a");
      Files.writeString(source, "renamed");
      DurableFiles.sync(source);
      DurableFiles.syncDirectory(fs.path(dir));
      DurableFiles.rename(source, target);
      fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
      assertThat(target).exists();
      assertThat(source).doesNotExist();
      assertThat(Files.readString(target)).isEqualTo("renamed");
    }
  }

  @Test
  void createdDirectoriesSurvivePowerLoss() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(4)) {
      Path deep = fs.path(dir).resolve("a/b/c");
      DurableFiles.createDirectories(deep);
      fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
      assertThat(deep).isDirectory();
    }
  }

  @Test
  void aMoveSurvivesPowerLossAndTheCopyPathLeavesOneWholeFile() throws IOException {
    try (FaultyFileSystem fs = FaultyFileSystem.create(5)) {
      Path source = fs.path(dir).resolve("src");
      Files.createDirectories(fs.path(dir).resolve("to"));
      DurableFiles.syncDirectory(fs.path(dir));
      Files.writeString(source, "moved");
      DurableFiles.sync(source);
      DurableFiles.syncDirectory(fs.path(dir));
      DurableFiles.move(source, fs.path(dir).resolve("to/moved"));
      Path copied = fs.path(dir).resolve("to/copied");
      Files.writeString(fs.path(dir).resolve("src2"), "copied");
      DurableFiles.copyThenDelete(fs.path(dir).resolve("src2"), copied);
      fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
      assertThat(Files.readString(fs.path(dir).resolve("to/moved"))).isEqualTo("moved");
      assertThat(Files.readString(copied)).isEqualTo("copied");
    }
  }

  @Test
  void transfersLoopOverShortReadsAndWrites() throws IOException {
    byte[] bytes = new byte[100_000];
    new Random(6).nextBytes(bytes);
    try (FaultyFileSystem fs = FaultyFileSystem.create(6)) {
      fs.shortTransfers(true);
      Path file = fs.path(dir).resolve("data");
      try (FileChannel channel =
          DurableFiles.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        DurableFiles.writeFully(channel, ByteBuffer.wrap(bytes), 10);
        ByteBuffer back = ByteBuffer.allocate(bytes.length);
        assertThat(DurableFiles.readFully(channel, back, 10)).isTrue();
        assertThat(back.array()).isEqualTo(bytes);
        assertThat(DurableFiles.readFully(channel, ByteBuffer.allocate(20), bytes.length))
            .as("the file ends first")
            .isFalse();
        assertThatThrownBy(
                () ->
                    DurableFiles.readExactly(
                        channel, ByteBuffer.allocate(20), bytes.length, "data"))
            .isInstanceOf(CorruptionException.class)
            .hasMessageContaining("data");
        channel.position(0);
        DurableFiles.writeFully(channel, ByteBuffer.wrap(bytes));
      }
      assertThat(fs.shortenedTransfers()).isPositive();
    }
  }

  @Test
  void aWriteNeverFollowsALinkPlantedInTheDirectory() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("MANIFEST.tmp"), victim);
    assertThatThrownBy(() -> DurableFiles.replace(dir.resolve("MANIFEST"), text("x")))
        .isInstanceOf(IOException.class);
    assertThat(Files.readString(victim)).isEqualTo("keep");
    assertThat(link).isSymbolicLink();
  }

  @Test
  void aDirectoryWithoutAChannelSyncsAsWellAsItsFileSystemCan() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path directory = Files.createDirectories(jimfs.getPath("/store"));
      DurableFiles.syncDirectory(directory);
      DurableFiles.replace(directory.resolve("f"), text("jimfs"));
      assertThat(Files.readString(directory.resolve("f"))).isEqualTo("jimfs");
      assertThatThrownBy(() -> DurableFiles.syncDirectory(directory.resolve("missing")))
          .isInstanceOf(IOException.class);
    }
  }
}
