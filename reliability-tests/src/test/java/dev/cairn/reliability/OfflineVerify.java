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
 * in-process, read-only on the default file system (so it writes nothing a later simulated power
 * loss would have to know of). The stack is verified by the CLI; the lower archive's volumes, which
 * the CLI cannot list yet, also by {@link VolumeArchive#verify()}.
 */
final class OfflineVerify {
  private OfflineVerify() {}

  /** What is wrong with the closed stores at {@code upper} and {@code lower} (may be null). */
  static List<String> problems(Path upper, Path lower) {
    List<String> problems = new ArrayList<>();
    String spec = spec(upper, lower, "mode=read-only", "mode=read-only");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        CairnCli.commandLine(
                new ByteArrayInputStream(new byte[0]), out, err, Map.of(), upper.getParent())
            .execute("--store", spec, "verify");
    if (exit != 0) {
      problems.add(
          "cairn verify "
              + spec
              + " exited "
              + exit
              + ": "
              + out.toString(StandardCharsets.UTF_8).strip()
              + " "
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
   * The spec {@code cairn verify} checks: the whole stack where an archive exists (a ref of the
   * upper may name an object archived into the lower), else the upper alone; each store's options
   * after its path.
   */
  static String spec(Path upper, Path lower, String upperOptions, String lowerOptions) {
    String disk = "disk:" + upper + "?" + upperOptions;
    if (lower == null || !Files.isDirectory(lower)) {
      return disk;
    }
    return "layered(upper=" + disk + ", lower=lower:" + lower + "?" + lowerOptions + ")";
  }

  /**
   * Whether a problem {@link #problems} returned is only records of a data file's unsynced tail
   * that a power cut lost while later ones reached the disk: verify reports them as damaged records
   * (past the sync point a gap followed by whole records may be lost unsynced writes or damage,
   * which the store cannot tell apart), and they are not served. Damage below the sync point (a
   * message that says what was synced) and any other damage is not explained.
   */
  static boolean onlyLostUnsyncedRecords(String problem) {
    String[] parts = problem.split("damaged: in ");
    if (!problem.startsWith("cairn verify ") || parts.length < 2) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      boolean dataFile = part.matches("(?s)[^@]*\\.data@\\d+: .*");
      boolean lostRecord =
          part.contains("damaged record; records resume at offset")
              || part.contains("the last record fails its checksum");
      if (!dataFile || !lostRecord || part.contains("synced")) {
        return false;
      }
    }
    return true;
  }
}
