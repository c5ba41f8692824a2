package dev.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
  @TempDir Path directory;

  @Test
  void aSecondOpenerInThisProcessIsRefusedNamingTheFirst() {
    try (DirectoryLock first = DirectoryLock.acquire(directory, "disk:first")) {
      assertThatThrownBy(() -> DirectoryLock.acquire(directory, "lower:second"))
          .isInstanceOf(DirectoryLock.LockedException.class)
          .hasMessageContaining("lower:second is already open for writing in this process")
          .hasMessageContaining("by disk:first")
          .hasMessageContaining("mode=read-only");
      first.check();
    }
  }

  @Test
  void aSecondOpenerThroughAnotherSpellingOfThePathIsRefused() throws IOException {
    Path other = directory.resolve("sub").resolve("..");
    Files.createDirectories(directory.resolve("sub"));
    try (DirectoryLock first = DirectoryLock.acquire(directory, "disk:a")) {
      assertThatThrownBy(() -> DirectoryLock.acquire(other, "disk:b"))
          .isInstanceOf(DirectoryLock.LockedException.class);
    }
  }

  @Test
  void aSecondProcessIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
    try (DirectoryLock held = DirectoryLock.acquire(directory, "disk:parent")) {
      List<String> answer = runChild(directory);
      assertThat(answer).hasSize(1);
      assertThat(answer.get(0))
          .startsWith("REFUSED ")
          .contains("locked by another process")
          .contains(held.file().toString());
    }
    assertThat(runChild(directory)).containsExactly("LOCKED");
  }

  @Test
  void aDeletedLockFileIsNoticedByTheHolder() throws IOException {
    DirectoryLock held = DirectoryLock.acquire(directory, "disk:x");
    held.check();
    Files.delete(held.file());
    assertThatThrownBy(held::check)
        .isInstanceOf(DirectoryLock.LostException.class)
        .hasMessageContaining("disk:x stopped writing")
        .hasMessageContaining("was deleted");
    assertThat(held.isHeld()).isFalse();
    held.close();
  }

  @Test
  void aReplacedLockFileIsNoticedByTheHolderEvenWhenItIsPutBackEmpty() throws IOException {
    DirectoryLock held = DirectoryLock.acquire(directory, "disk:x");
    Path file = held.file();
    Files.delete(file);
    Files.write(file, new byte[0]); // a new, empty file: same name, size and (nearly) mtime
    assertThatThrownBy(held::check)
        .isInstanceOf(DirectoryLock.LostException.class)
        .hasMessageContaining("was replaced by another file");
    held.close();
  }

  @Test
  void aLostLockStaysLostWhenTheOriginalFileComesBack() throws IOException {
    DirectoryLock held = DirectoryLock.acquire(directory, "disk:x");
    Path aside = directory.resolve("aside");
    Files.move(held.file(), aside);
    assertThat(held.isHeld()).isFalse();
    Files.move(aside, held.file());
    assertThatThrownBy(held::check).isInstanceOf(DirectoryLock.LostException.class);
    held.close();
  }

  @Test
  void aReleasedLockFailsItsCheckAndCanBeTakenAgain() {
    DirectoryLock first = DirectoryLock.acquire(directory, "disk:x");
    first.close();
    first.close(); // idempotent
    assertThatThrownBy(first::check)
        .isInstanceOf(DirectoryLock.LostException.class)
        .hasMessageContaining("the lock was released");
    try (DirectoryLock second = DirectoryLock.acquire(directory, "disk:y")) {
      second.check();
      assertThat(Files.exists(second.file())).isTrue();
    }
  }

  @Test
  void aLinkPlantedAsTheLockFileIsNotFollowed() throws IOException {
    Path target = directory.resolve("outside");
    Path store = Files.createDirectory(directory.resolve("store"));
    Files.createSymbolicLink(store.resolve(DirectoryLock.FILE_NAME), target);
    assertThatThrownBy(() -> DirectoryLock.acquire(store, "disk:store"))
        .isInstanceOf(StoreIOException.class)
        .hasMessageContaining("locking disk:store");
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
    try (DirectoryLock other = DirectoryLock.acquire(directory, "disk:other")) {
      other.check(); // the failed acquisition left nothing registered for this JVM
    }
  }

  @Test
  void aMissingDirectoryIsAnIoErrorNamingTheLockFile() {
    Path missing = directory.resolve("missing");
    assertThatThrownBy(() -> DirectoryLock.acquire(missing, "disk:missing"))
        .isInstanceOf(StoreIOException.class)
        .hasMessageContaining(missing.resolve(DirectoryLock.FILE_NAME).toString());
  }

  /** Runs {@link LockProbe} in a new JVM on {@code directory}; its output lines. */
  private static List<String> runChild(Path directory) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                directory.toString())
            .redirectErrorStream(true)
            .start();
    if (!child.waitFor(60, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new AssertionError("the child JVM hung");
    }
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as("child exit status; output: %s", out).isZero();
    return out.lines().toList();
  }

  /** A second process: tries the lock once and prints what happened. */
  static final class LockProbe {
    private LockProbe() {}

    public static void main(String[] args) {
      try (DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]), "disk:child")) {
        lock.check();
        System.out.println("LOCKED");
      } catch (DirectoryLock.LockedException e) {
        System.out.println("REFUSED " + e.getMessage());
      }
    }
  }
}
