package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A child JVM archiving and swapping is killed with SIGKILL at each step; after a restart and
 * {@code cleanup}, everything committed before reads back, the interrupted archive is either wholly
 * visible or wholly absent, and archiving again works.
 */
@Tag("crash")
class CrashTest {
  @TempDir Path root;

  static List<ArchiveEntry> first() {
    return objects(30, 1);
  }

  static List<ArchiveEntry> second() {
    return objects(20, 2);
  }

  /**
   * Kills the child at {@code step} ({@code occurrence}-th time), restarts with {@code
   * cleanup(cleanupGeneration)} and checks that the second archive is visible exactly when
   * expected.
   */
  @ParameterizedTest(name = "{0}#{1}, cleanup({2})")
  @CsvSource({
    "archive:data-synced, 1, 2, false",
    "archive:mapping-synced, 1, 2, false",
    "archive:index-synced, 1, 2, false",
    "archive:control-synced, 1, 2, true",
    "archive:directory-synced, 1, 2, true",
    "swap:validated, 1, 2, true",
    "swap:renamed, 1, 2, true",
    "swap:reloaded, 1, 2, true",
    "archive:control-synced, 1, 1, false",
    "swap:validated, 1, 1, false",
    "swap:renamed, 1, 1, true",
  })
  void aKillAtEveryStepLosesNothingCommitted(
      String step, int occurrence, int cleanupGeneration, boolean secondVisible) throws Exception {
    long end;
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.addVolume();
      Archived a = lower.archive(root, 1, 0, first().iterator());
      lower.swap(a.volumeId(), 1, 1);
      end = a.endOffset();
    }

    killChildAt(step, occurrence);

    try (VolumeArchive lower = VolumeArchive.open(root, 1, false)) {
      lower.cleanup(cleanupGeneration);
      first().forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      for (ArchiveEntry e : second()) {
        if (secondVisible) {
          assertThat(lower.read(e.hash())).hasValue(e.data());
        } else {
          assertThat(lower.read(e.hash())).isEmpty();
        }
      }
      try (var files = Files.list(root.resolve("volume.0"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .noneMatch(name -> name.matches("volume\\.\\d+\\.control|.*run.*"));
      }
      // Re-running the archive after the crash is harmless.
      long from = lower.volumes().get(0).endOffset();
      assertThat(from).isGreaterThanOrEqualTo(end);
      Archived again = lower.archive(root, 3, from, second().iterator());
      lower.swap(again.volumeId(), 3, 1);
      first().forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      second().forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  /**
   * Kills a child making the first volume with {@code createFrom} at {@code step}; after a restart
   * either the volume is complete, or {@code createFrom} with the same file succeeds.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "create:scanned, false",
    "create:moved, false",
    "create:staged, false",
    "create:renamed, true",
  })
  void aKillDuringCreateFromLosesNothing(String step, boolean created) throws Exception {
    Path src = srcDirectory.resolve("suffix");
    Files.write(src, CreateFromTest.suffix(16, first(), 5));
    long size = Fixtures.totalSize(first());
    killChildAt(step, 1, src.toString(), "16", Long.toString(size));
    if (created) {
      assertThat(src).doesNotExist();
      try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
        first().forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      }
      return;
    }
    assertThat(root.resolve("volume.0")).doesNotExist();
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.createFrom(src, 16, size);
      first().forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
    assertThat(root.resolve("volume.0.staging")).doesNotExist();
    assertThat(src).doesNotExist();
  }

  @TempDir Path srcDirectory;

  /** Record numbers to kill at: a few by default, every one with {@code -Pfull}. */
  static IntStream records() {
    return "full".equals(System.getProperty("cairn.budget"))
        ? IntStream.rangeClosed(1, second().size())
        : IntStream.of(1, 7, second().size());
  }

  /** A kill between two records of the archive leaves only a garbage tail. */
  @ParameterizedTest(name = "after record {0}")
  @MethodSource("records")
  void aKillBetweenRecordsLosesNothing(int record) throws Exception {
    aKillAtEveryStepLosesNothingCommitted(ArchiveSteps.RECORD, record, 2, false);
  }

  private void killChildAt(String step, int occurrence, String... extra)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path errors = root.resolveSibling(root.getFileName() + ".child-stderr");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                root.toString(),
                step,
                Integer.toString(occurrence)));
    command.addAll(List.of(extra));
    Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line)
          .as("child output; stderr: %s", read(errors))
          .isEqualTo("CRASH-POINT " + step);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
      Files.deleteIfExists(errors);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
