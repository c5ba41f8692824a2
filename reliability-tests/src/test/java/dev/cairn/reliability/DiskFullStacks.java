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

/** The stacks of the disk-full family, and the checks they share. */
final class DiskFullStacks {
  private DiskFullStacks() {}

  /** The message of a full disk (ENOSPC) and of a file-size limit (EFBIG). */
  static final String NO_SPACE = "No space left on device";

  static final String TOO_LARGE = "File too large";

  /**
   * The spec of the stack in {@code directory} (a path of the file system the stack will use):
   * {@code disk:} alone, or a cached layered stack over {@code disk:} and {@code lower:}, the lower
   * seen through {@code stats:} (a decorator over the archive once made collections drop what they
   * should have archived).
   */
  static String spec(Path directory, boolean layered, long segmentSize, String fsync) {
    String disk = "?segment-size=" + segmentSize + "&hash=sha1&fsync=" + fsync;
    if (!layered) {
      return "disk:" + directory.resolve("disk") + disk;
    }
    return "cache(capacity=64):layered(upper=disk:"
        + directory.resolve("upper")
        + disk
        + ", lower=stats:lower:"
        + directory.resolve("lower")
        + "?hash=sha1)";
  }

  /**
   * The real {@code cairn verify} on each store of the stack in {@code directory} (of the default
   * file system) that can list its objects, and the archive's own check of every volume for the
   * lower; returns the problems found.
   */
  static List<String> verify(Path directory, boolean layered) {
    List<String> problems = new ArrayList<>();
    Path upper = directory.resolve(layered ? "upper" : "disk");
    Path lower = directory.resolve("lower");
    String spec = OfflineVerify.spec(upper, layered ? lower : null, "hash=sha1", "hash=sha1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        CairnCli.commandLine(new ByteArrayInputStream(new byte[0]), out, err, Map.of(), directory)
            .execute("--store", spec, "verify");
    if (status != 0) {
      problems.add(
          "cairn verify "
              + spec
              + " exited "
              + status
              + ": "
              + out.toString(StandardCharsets.UTF_8)
              + err.toString(StandardCharsets.UTF_8));
    }
    if (layered && Files.isDirectory(lower)) {
      try (VolumeArchive archive =
          VolumeArchive.builder(lower).hashAlgorithm(DiskFullWorkload.HASH).readOnly(true).open()) {
        archive.verify();
      } catch (RuntimeException e) {
        problems.add("verifying lower:" + lower + " threw " + DiskFullWorkload.chain(e));
      }
    }
    return problems;
  }

  private static final java.util.regex.Pattern FILE_NAME =
      java.util.regex.Pattern.compile(
          "seg-[0-9a-f]+\\.(data|idx)(\\.tmp)?|MANIFEST(\\.tmp)?|refs\\.log(\\.tmp)?"
              + "|volume\\.[0-9a-z.]+[a-z]");

  /**
   * Where an error says the space ran out: "compaction" if it was compacting, and the kind of the
   * first file its chain names; empty if it says neither.
   */
  static List<String> kindsNamedBy(String chain) {
    List<String> kinds = new ArrayList<>();
    if (chain.contains("compacting")) {
      kinds.add("compaction");
    }
    java.util.regex.Matcher matcher = FILE_NAME.matcher(chain);
    if (matcher.find()) {
      kinds.add(kind(matcher.group()));
    }
    return kinds;
  }

  /** What kind of file {@code name} is, for the figures of where the space ran out. */
  static String kind(String name) {
    if (name.matches("seg-[0-9a-f]+\\.data")) {
      return "record";
    }
    if (name.startsWith("seg-") && name.contains(".idx")) {
      return "segment-index";
    }
    if (name.startsWith("MANIFEST")) {
      return "manifest";
    }
    if (name.startsWith("refs.log")) {
      return "ref-journal";
    }
    if (name.equals("volume.data")) {
      return "lower-data";
    }
    if (name.equals("volume.mapping")) {
      return "lower-mapping";
    }
    // The control is written as volume.<generation>.control, then renamed over volume.control.
    if (name.startsWith("volume.") && name.endsWith(".control")) {
      return "lower-control";
    }
    if (name.startsWith("volume.")
        && (name.endsWith(".index")
            || name.endsWith(".bloom")
            || name.contains("spill")
            || name.contains("run"))) {
      return "lower-index";
    }
    return "other-" + name.replaceAll("[0-9a-f]{6,}", "N");
  }
}
