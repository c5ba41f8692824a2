package dev.cairn.reliability;

import dev.cairn.cli.CairnCli;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stack the kill families run, as users compose it: {@code
 * cache(capacity=…):layered(upper=disk:DIR/upper?…, lower=lower:DIR/lower?hash=sha1)}, SHA-1
 * because its objects are Git objects. Segments are small (64 KiB) so that a run of a few hundred
 * milliseconds seals several and the collector compacts real segments.
 */
final class FullStack {
  private FullStack() {}

  static final long SEGMENT_SIZE = 64 * 1024;

  /** The stack spec over {@code dir}. */
  static String spec(Path dir) {
    return "cache(capacity=2000):layered(upper="
        + upperSpec(dir)
        + ", lower=lower:"
        + dir.resolve("lower")
        + "?hash=sha1)";
  }

  static String upperSpec(Path dir) {
    return "disk:"
        + dir.resolve("upper")
        + "?fsync=always&segment-size="
        + SEGMENT_SIZE
        + "&hash=sha1";
  }

  static Backend open(Path dir) {
    return Cairn.open(spec(dir));
  }

  static Backend open(Path dir, FileSystem fileSystem) {
    return Cairn.open(spec(dir), CairnConfiguration.builder().fileSystem(fileSystem).build());
  }

  /** The collection the children run: archive mode, links of Git objects. */
  static GcOptions gcOptions() {
    return GcOptions.defaults()
        .withLinks(LinkExtractor.forName("git"))
        .withMode(GarbageCollection.Mode.ARCHIVE);
  }

  static GarbageCollection gc(Backend store) {
    return store
        .feature(GarbageCollection.class)
        .orElseThrow(() -> new AssertionError(store + " offers no GarbageCollection"));
  }

  /**
   * What {@code cairn verify} says of the stack over {@code dir} (closed): the real command line,
   * in-process. If verify cannot list a layered stack's objects, the upper is verified by {@code
   * cairn verify} on its own and the lower by {@link VolumeArchive#verify()}.
   *
   * @return the damage found, one line each; empty if clean
   */
  static Verdict verify(Path dir) {
    Verdict whole = cli(dir, spec(dir));
    if (whole.exit == 0 || !whole.err.contains("cannot be verified")) {
      return whole;
    }
    Verdict upper = cli(dir, upperSpec(dir));
    List<String> problems = new ArrayList<>(upper.problems);
    long lowerObjects = 0;
    try (VolumeArchive lower = VolumeArchive.builder(dir.resolve("lower")).readOnly(true).open()) {
      lowerObjects = lower.verify();
    } catch (CairnException e) {
      problems.add("lower: " + e.getMessage());
    }
    return new Verdict(
        problems.isEmpty() ? 0 : 1,
        upper.out + "lower: " + lowerObjects + " objects checked\n",
        upper.err,
        problems,
        upper.objects + lowerObjects);
  }

  private static Verdict cli(Path dir, String spec) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        CairnCli.commandLine(InputStream.nullInputStream(), out, err, Map.of(), dir)
            .execute("--store", spec, "verify", "--json");
    String outText = out.toString(StandardCharsets.UTF_8);
    String errText = err.toString(StandardCharsets.UTF_8);
    List<String> problems = new ArrayList<>();
    if (exit != 0) {
      problems.add(
          "cairn verify --store "
              + spec
              + " exited "
              + exit
              + ": "
              + outText.strip()
              + " "
              + errText.strip());
    }
    return new Verdict(exit, outText, errText, problems, objects(outText));
  }

  /** The {@code "objects"} count of verify's JSON, or -1. */
  private static long objects(String json) {
    int at = json.indexOf("\"objects\":");
    if (at < 0) {
      return -1;
    }
    int from = at + "\"objects\":".length();
    int to = from;
    while (to < json.length() && (Character.isDigit(json.charAt(to)) || json.charAt(to) == ' ')) {
      to++;
    }
    return Long.parseLong(json.substring(from, to).trim());
  }

  /** What verify found: exit code, output, and the problems (empty when clean). */
  record Verdict(int exit, String out, String err, List<String> problems, long objects) {
    boolean clean() {
      return problems.isEmpty();
    }
  }
}
