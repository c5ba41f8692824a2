package dev.cairn.reliability;

import dev.cairn.cli.CairnCli;
import dev.cairn.lower.VolumeArchive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code cairn verify} as a user runs it, after the store was closed: the real command line,
 * in-process, read-only on the default file system (so it writes nothing a later simulated
 * power loss would have to know of). The upper {@code disk:} store is verified by the CLI; the
 * lower archive, which the CLI cannot list yet, by {@link VolumeArchive#verify()}.
 */
final class OfflineVerify {
  private OfflineVerify() {}

  /** What is wrong with the closed stores at {@code upper} and {@code lower} (may be null). */
  static List<String> problems(Path upper, Path lower) {
    List<String> problems = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CairnCli.commandLine(new ByteArrayInputStream(new byte[0]), out, err, Map.of(),
        upper.getParent()).execute("--store", "disk:" + upper + "?mode=read-only", "verify");
    if (exit != 0) {
      problems.add("cairn verify disk:" + upper + " exited " + exit + ": "
          + out.toString(StandardCharsets.UTF_8).strip() + " "
          + err.toString(StandardCharsets.UTF_8).strip());
    }
    if (lower != null && Files.isDirectory(lower)) {
      try (VolumeArchive archive = VolumeArchive.builder(lower).readOnly(true).open()) {
        archive.verify();
      } catch (RuntimeException e) {
        problems.add("verify of lower:" + lower + " failed: " + e);
      }
    }
    return problems;
  }

  /**
   * Whether a problem {@link #problems} returned is only records of a data file's unsynced tail
   * that a power cut lost while later ones reached the disk: verify reports them as damaged
   * records (the store cannot tell lost unsynced bytes from damage, since it keeps no durable
   * record of how far each segment was synced), and they are not served. Any other damage is
   * not explained.
   */
  static boolean onlyLostUnsyncedRecords(String problem) {
    String[] parts = problem.split("damaged: in ");
    if (!problem.startsWith("cairn verify disk:") || parts.length < 2) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      boolean dataFile = part.matches("(?s)[^@]*\\.data@\\d+: .*");
      boolean lostRecord = part.contains("damaged record; records resume at offset")
          || part.contains("the last record fails its checksum");
      if (!dataFile || !lostRecord) {
        return false;
      }
    }
    return true;
  }
}
