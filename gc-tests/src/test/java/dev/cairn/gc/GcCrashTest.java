package dev.cairn.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.decorators.LayeredStore;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.volume.Lower;
import dev.cairn.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kill -9 of a child JVM collecting {@code layered(upper=disk:…, lower=lower:…)} at each step:
 * after the mark, during the archive, after the archive, after the swap, during the compaction.
 * Reopening (which cleans the lower up) must lose nothing reachable and nothing archived; a
 * collection then completes, and another finds nothing left to do.
 */
class GcCrashTest {
  private static final HashAlgorithm SHA256 = HashAlgorithm.SHA256;

  @TempDir Path root;

  private final List<Hash> reachable = new ArrayList<>();
  private final List<Hash> unreachable = new ArrayList<>();
  private final List<byte[]> data = new ArrayList<>();

  @ParameterizedTest(name = "killed at {0} + {1} ms")
  @CsvSource({"SCAN, -1", "ARCHIVE, 3", "SWAP, -1", "COMPACT, -1", "COMPACT, 5", "COMPACT, 40"})
  void nothingReachableOrArchivedIsLost(String phase, int delayMillis) throws Exception {
    prepare(3000);
    String pauseAt = delayMillis < 0 ? phase : "never";
    Process child =
        new ProcessBuilder(ChildJvm.command(GcCrashChild.class, root.toString(), pauseAt))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String wanted = delayMillis < 0 ? "PAUSED" : phase;
      for (String line; (line = out.readLine()) != null && !line.equals(wanted); ) {
        assertThat(line).as("the child finished before " + wanted).isNotEqualTo("DONE");
      }
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    Path pending = root.resolve("lower/volume.0/volume.1.control");
    if (phase.equals("SWAP")) {
      // Archived and durable, not yet swapped: opening the stack must swap it in.
      assertThat(pending).exists();
    }
    try (LayeredStore stack = Stacks.archived(root, SHA256)) {
      assertThat(pending).doesNotExist();
      if (phase.equals("SWAP") || phase.equals("COMPACT")) {
        assertThat(stack.lower().feature(Lower.class).orElseThrow().volumes().get(0).generation())
            .isEqualTo(1);
      }
      everythingReadsBack(stack);
      try (VolumeArchive lower = VolumeArchive.open(root.resolve("lower"), -1, true)) {
        for (int i = 0; i < unreachable.size(); i++) {
          if (lower.exists(unreachable.get(i))) {
            assertThat(lower.read(unreachable.get(i))).hasValue(data.get(i));
          }
        }
      }
      GcReport report = Stacks.gc(stack).gc(GcOptions.defaults());
      everythingReadsBack(stack);
      unreachable.forEach(
          h -> {
            assertThat(stack.upper().exists(h)).isFalse();
            assertThat(stack.lower().exists(h)).isTrue();
          });
      reachable.forEach(h -> assertThat(stack.upper().exists(h)).isTrue());
      assertThat(report.unreachable()).isLessThanOrEqualTo(unreachable.size());
      GcReport again = Stacks.gc(stack).gc(GcOptions.defaults());
      assertThat(again.unreachable()).isZero();
      assertThat(again.dropped()).isZero();
    }
  }

  private void prepare(int objects) {
    Random random = new Random(objects);
    try (LayeredStore stack = Stacks.archived(root, SHA256)) {
      for (int i = 0; i < objects; i++) {
        byte[] bytes = new byte[256 + random.nextInt(1024)];
        random.nextBytes(bytes);
        Hash hash = stack.put(bytes);
        if (i % 3 == 0) {
          reachable.add(hash);
          stack.setRef("refs/r/" + i, hash);
        } else {
          unreachable.add(hash);
          data.add(bytes);
        }
      }
      stack.flush();
    }
  }

  private void everythingReadsBack(LayeredStore stack) {
    reachable.forEach(h -> assertThat(stack.exists(h)).as(h.toHex()).isTrue());
    for (int i = 0; i < unreachable.size(); i++) {
      assertThat(stack.read(unreachable.get(i)))
          .as(unreachable.get(i).toHex())
          .hasValue(data.get(i));
    }
  }
}
