package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.testkit.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 9, kill -9 while large objects stream: a {@link StreamChild} streams Git blobs of up to 12
 * MiB (most of them past the disk store's ordinary records) into {@link FullStack} through {@link
 * ObjectStreams}, moves refs and collects, and is SIGKILLed at a random instant — mostly while an
 * object streams. After each kill the stack reopens and: every object the child acknowledged
 * streams back whole with its hash; the object in flight is either absent or whole; no segment file
 * of a large object is left that names no object the store holds (a half-written one must be
 * removed by the open); and {@code cairn verify} is clean.
 *
 * <p>Each directory accumulates {@value #RUNS_PER_DIRECTORY} runs, then starts afresh. Sizes:
 * {@code cairn.stream-kill.kills} kills (8 in CI, 300 in the long run).
 */
class StreamKillTest {
  static final int RUNS_PER_DIRECTORY = 6;

  /** Larger objects are written by the disk store as a segment of their own. */
  private static final int OWN_SEGMENT = 4 << 20;

  @TempDir Path root;

  @Test
  void streamedObjectsAreWholeOrAbsentAfterKillNine() throws Exception {
    int kills = Budget.scale("cairn.stream-kill.kills", 8, 300);
    Figures figures = Figures.of("kill-9 streamed large objects, cache:layered(disk, lower)");
    List<String> violations = new ArrayList<>();
    ClassDataArchive launcher = ClassDataArchive.get();
    Random random = new Random(19);
    Map<String, long[]> acknowledged = new LinkedHashMap<>();
    Path dir = root;
    for (int kill = 0; kill < kills; kill++) {
      if (kill % RUNS_PER_DIRECTORY == 0) {
        dir = root.resolve("d" + kill);
        acknowledged.clear();
      }
      ChildJvm child =
          ChildJvm.start(
              launcher.command(StreamChild.class, dir.toString(), String.valueOf(kill + 1)));
      assertThat(child.awaitReady(60)).as("child %d started", kill).isTrue();
      Thread.sleep(random.nextInt(2000));
      long[] inFlight = null;
      for (String line : child.kill()) {
        String[] words = line.split(" ");
        switch (words[0]) {
          case "I":
            inFlight = new long[] {Long.parseLong(words[1]), Long.parseLong(words[2])};
            break;
          case "O":
            acknowledged.put(
                words[3], new long[] {Long.parseLong(words[1]), Long.parseLong(words[2])});
            inFlight = null;
            break;
          case "ERROR":
            violations.add("run " + kill + ": " + line);
            break;
          default:
            break;
        }
      }
      figures.add("kills", 1);
      if (inFlight != null) {
        figures.add(inFlight[1] > OWN_SEGMENT ? "killedStreamingLarge" : "killedStreamingSmall", 1);
      }
      check(dir, kill, acknowledged, inFlight, figures, violations);
      FullStack.Verdict verdict = FullStack.verify(dir);
      if (verdict.exit() != 0) {
        violations.add("run " + kill + ": " + verdict.problems());
      }
      violations.forEach(v -> System.out.println("VIOLATION " + v));
    }
    figures.add("violations", violations.size());
    figures.report();
    assertThat(violations).isEmpty();
  }

  private static void check(
      Path dir,
      int kill,
      Map<String, long[]> acknowledged,
      long[] inFlight,
      Figures figures,
      List<String> violations)
      throws IOException {
    try (Backend store = FullStack.open(dir)) {
      ObjectStreams streams = ObjectStreams.of(store);
      for (Map.Entry<String, long[]> entry : acknowledged.entrySet()) {
        Hash hash = Hash.parse(HashAlgorithm.SHA1, entry.getKey());
        String problem = readBack(streams, hash);
        if (problem != null) {
          violations.add("run " + kill + ": acknowledged " + problem);
        }
        figures.add("checked", 1).add("bytesChecked", entry.getValue()[1]);
      }
      if (inFlight != null) {
        Hash hash = StreamChild.hashOf(inFlight[0], (int) inFlight[1]);
        if (store.exists(hash)) {
          String problem = readBack(streams, hash);
          if (problem != null) {
            violations.add("run " + kill + ": in flight and present, but " + problem);
          }
          figures.add("inFlightStored", 1);
        } else {
          figures.add("inFlightAbsent", 1);
        }
      }
      for (Path segment : largeSegments(dir.resolve("upper"))) {
        Hash named = namedBy(segment);
        if (!store.exists(named)) {
          violations.add(
              "run "
                  + kill
                  + ": "
                  + segment.getFileName()
                  + " is left behind; its"
                  + " record names "
                  + named
                  + ", which the store does not hold");
        }
      }
    }
  }

  /** Reads {@code hash} whole through the streams; null if it is there and right. */
  private static String readBack(ObjectStreams streams, Hash hash) throws IOException {
    Optional<ObjectReader> reader = streams.open(hash);
    if (reader.isEmpty()) {
      return hash + " is missing";
    }
    Hasher hasher = HashAlgorithm.SHA1.newHasher();
    long read = 0;
    try (InputStream in = reader.get().asInputStream()) {
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) != -1; ) {
        hasher.update(buffer, 0, n);
        read += n;
      }
    } catch (RuntimeException e) {
      return hash + " fails to read: " + e;
    }
    Hash actual = hasher.finish();
    if (read != reader.get().size() || !actual.equals(hash)) {
      return hash
          + " reads back as "
          + read
          + " bytes hashing to "
          + actual
          + " (size "
          + reader.get().size()
          + ")";
    }
    return null;
  }

  private static List<Path> largeSegments(Path upper) throws IOException {
    try (Stream<Path> files = Files.list(upper)) {
      return files
          .filter(f -> f.getFileName().toString().matches("seg-[0-9a-f]{16}\\.data"))
          .filter(f -> f.toFile().length() > OWN_SEGMENT)
          .sorted()
          .toList();
    }
  }

  /** The hash the first record of {@code segment} names (offset 8, after length and checksum). */
  private static Hash namedBy(Path segment) throws IOException {
    try (FileChannel channel = FileChannel.open(segment)) {
      ByteBuffer digest = ByteBuffer.allocate(HashAlgorithm.SHA1.digestLength());
      channel.read(digest, 8);
      return Hash.of(HashAlgorithm.SHA1, digest.array());
    }
  }
}
