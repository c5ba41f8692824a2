package dev.cairn.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.disk.DiskOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link GcMeasurement} in a child JVM with a 256 MiB heap and prints what it measured.
 * Excluded by default; run with {@code -Dgc.excludedGroups= -Dgroups=measurement}, and {@code
 * -Dgc.objects=1000000} for another size, {@code -Dgc.modes=archive} for one mode, {@code
 * -Dgc.segmentSize=16777216} for smaller upper segments (the disk store keeps the active segment's
 * index in the heap). Asserts only that it completed.
 */
@Tag("measurement")
class GcMeasurementTest {
  @TempDir Path root;

  @Test
  void measure() throws Exception {
    for (String mode : System.getProperty("gc.modes", "archive,rolling").split(",")) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add(
          "-Dgc.segmentSize=" + Long.getLong("gc.segmentSize", DiskOptions.DEFAULT_SEGMENT_SIZE));
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(GcMeasurement.class.getName());
      command.add(root.resolve(mode).toString());
      command.add(System.getProperty("gc.objects", "200000"));
      command.add(mode);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // Relayed line by line: surefire's channel does not take a child's raw output.
      try (var out = process.inputReader()) {
        out.lines().forEach(System.out::println);
      }
      assertThat(process.waitFor()).isZero();
    }
  }
}
