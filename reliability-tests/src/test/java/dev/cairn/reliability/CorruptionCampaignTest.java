package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CairnCli;
import dev.cairn.spi.Backend;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.stack.Cairn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Family 5, corruption: random single-bit flips and bursts (runs of random bytes, zeroed ranges,
 * truncations) in every kind of file of a whole stack, {@code layered(upper=disk:…, lower=lower:…)}
 * after writes, ref updates and two collections. After each damage the stack is opened and every
 * object and ref read and compared with the truth, then the real {@code cairn verify} runs
 * in-process, then the files are restored.
 *
 * <p>What counts as a violation:
 *
 * <ul>
 *   <li>wrong bytes served: an object read back with other bytes, a ref with another value or a ref
 *       that was never set;
 *   <li>an untyped error: a read, a ref read or the open failing with anything but {@link
 *       CorruptionException};
 *   <li>a silent absence: an object or ref the stack no longer shows, without {@code cairn verify}
 *       reporting damage in the damaged file (an absence that verify explains is damage found, not
 *       hidden);
 *   <li>undetected damage: {@code cairn verify} exiting 0, or not naming the damaged file.
 * </ul>
 *
 * <p>Order: the stack is opened read-write, as users open it, which may repair what it can (rebuild
 * a damaged index from its records); so the damage is applied again before {@code cairn verify},
 * which must report it whether its own open repaired it or not.
 *
 * <p>Sizes: {@code cairn.corruption.flips} and {@code cairn.corruption.bursts} (default 2,000 and
 * 200; 10,000 and 1,000 in the long run, {@code -Pfull}).
 */
class CorruptionCampaignTest {
  private static final int CI_FLIPS = 2_000;
  private static final int CI_BURSTS = 200;

  @TempDir Path temp;
  private Path dir;

  private String spec;
  private final Map<Hash, byte[]> objects = new LinkedHashMap<>();
  private final Map<String, Hash> refs = new TreeMap<>();
  private final Map<Path, byte[]> pristine = new LinkedHashMap<>();
  private final Map<Path, FileTime> stamps = new HashMap<>();
  private final ByteArrayOutputStream verifyOut = new ByteArrayOutputStream();
  private final ByteArrayOutputStream verifyErr = new ByteArrayOutputStream();
  private CommandLine cairn;
  private final List<Target> targets = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();

  /** A region of one file, of one kind. */
  private record Target(Path file, String kind, long from, long to) {
    long length() {
      return to - from;
    }
  }

  /** What reading everything through the stack saw. */
  private static final class Observed {
    long checked;
    long correct;
    long wrongBytes;
    long wrongRefs;
    long absent;
    long corruption;
    final List<String> untyped = new ArrayList<>();
  }

  /** What {@code cairn verify} said. */
  private record Verified(int exit, boolean namesFile, boolean namesOffset, String output) {}

  @Test
  void everyFlipAndBurstInEveryFileKindIsDetectedAndNoWrongByteIsServed() throws IOException {
    int flips = Budget.scale("cairn.corruption.flips", CI_FLIPS, 10_000);
    int bursts = Budget.scale("cairn.corruption.bursts", CI_BURSTS, 1_000);
    Random random = new Random(Long.getLong("cairn.corruption.seed", 20261121L));
    dir = workDirectory();
    try {
      campaign(flips, bursts, random);
    } finally {
      if (!dir.startsWith(temp)) {
        deleteTree(dir);
      }
    }
  }

  /**
   * A directory in memory ({@code /dev/shm}) where there is one: the campaign opens and closes the
   * store some 20,000 times and each close syncs, which on a shared disk costs more than the rest
   * of the run; what is tested is what the bytes say, not how they reach the disk.
   */
  private Path workDirectory() throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "cairn-corruption-");
    }
    return temp;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void campaign(int flips, int bursts, Random random) throws IOException {
    buildStore(random);
    snapshot();
    findTargets();
    Map<String, List<Target>> byKind = new TreeMap<>();
    targets.forEach(t -> byKind.computeIfAbsent(t.kind(), k -> new ArrayList<>()).add(t));
    assertThat(byKind.keySet())
        .containsExactlyInAnyOrder(
            "lower-bloom",
            "lower-control",
            "lower-data",
            "lower-hash",
            "lower-index",
            "lower-mapping",
            "upper-active-data",
            "upper-bloom",
            "upper-checkpoint",
            "upper-index",
            "upper-manifest",
            "upper-refs",
            "upper-sealed-data");
    List<String> kinds = new ArrayList<>(byKind.keySet());
    assertClean("the undamaged store");

    Figures figures = Figures.of("corruption layered(disk, lower)");
    for (int n = 0; n < flips + bursts; n++) {
      boolean flip = n < flips;
      String kind = kinds.get(random.nextInt(kinds.size()));
      Target target = pick(byKind.get(kind), random);
      Damage damage = flip ? Damage.flip(target, random) : Damage.burst(target, random);
      figures.add(flip ? "flips" : "bursts", 1);
      if (!flip) {
        figures.add("bursts." + damage.type, 1);
      }
      figures.add("kind." + kind, 1);
      check(damage, figures);
      if (violations.size() >= 20) {
        break; // enough to diagnose; the assertion below shows them
      }
    }
    assertClean("the store after every damage was restored");
    figures.add("runs", figures.get("flips") + figures.get("bursts"));
    figures.add("violations", violations.size());
    figures.report();
    assertThat(violations).as("violations").isEmpty();
    assertThat(figures.get("flips")).isGreaterThanOrEqualTo(flips);
    assertThat(figures.get("bursts")).isGreaterThanOrEqualTo(bursts);
  }

  /**
   * The bytes random flips rarely hit but every decoder reads first: one flip in each of the first
   * 64 and last 16 bytes of every file (every 5th byte in a bounded run), each checked as a random
   * one is. A byte there that no checksum covers would show up as undetected.
   */
  @Test
  void aFlipInEveryHeaderAndTrailerByteOfEveryFileIsDetected() throws IOException {
    int stride = Budget.isFull() ? 1 : 5;
    Random random = new Random(Long.getLong("cairn.corruption.seed", 20261121L));
    dir = workDirectory();
    try {
      buildStore(random);
      snapshot();
      findTargets();
      assertClean("the undamaged store");
      Figures figures = Figures.of("corruption headers layered(disk, lower)");
      int n = 0;
      for (Map.Entry<Path, byte[]> file : pristine.entrySet()) {
        int size = file.getValue().length;
        for (int offset = 0; offset < size; offset++) {
          boolean edge = offset < 64 || offset >= size - 16;
          if (!edge || n++ % stride != 0) {
            continue;
          }
          Target target = targetAt(file.getKey(), offset);
          figures.add("flips", 1).add("kind." + target.kind(), 1);
          check(Damage.flipAt(target, offset, offset % 8), figures);
        }
      }
      assertClean("the store after every damage was restored");
      figures.add("runs", figures.get("flips"));
      figures.add("violations", violations.size());
      figures.report();
      assertThat(violations).as("violations").isEmpty();
    } finally {
      if (!dir.startsWith(temp)) {
        deleteTree(dir);
      }
    }
  }

  private Target targetAt(Path file, long offset) {
    return targets.stream()
        .filter(t -> t.file().equals(file) && t.from() <= offset && offset < t.to())
        .findFirst()
        .orElseThrow();
  }

  // ------------------------------------------------------------------ the store

  private void buildStore(Random random) {
    Path upper = dir.resolve("upper");
    Path lower = dir.resolve("lower");
    spec =
        "layered(upper=disk:"
            + upper
            + "?hash=sha1&segment-size=16k, lower=lower:"
            + lower
            + "?hash=sha1)";
    try (Backend store = Cairn.open(spec)) {
      GarbageCollection gc = store.feature(GarbageCollection.class).orElseThrow();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
          put(store, random);
        }
        for (int b = 0; b < 4; b++) {
          Map<Hash, byte[]> batch = new LinkedHashMap<>();
          for (int i = 0; i < 10; i++) {
            byte[] data = data(random);
            batch.put(store.hashAlgorithm().hash(data), data);
          }
          store.writeBatch(batch);
          objects.putAll(batch);
        }
        List<Hash> all = new ArrayList<>(objects.keySet());
        for (int i = 0; i < 12; i++) {
          String name = "refs/heads/b" + random.nextInt(6);
          Hash target = all.get(random.nextInt(all.size()));
          store.setRef(name, target);
          refs.put(name, target);
        }
        String tag = "refs/tags/v" + round;
        assertThat(store.testAndSetRef(tag, null, all.get(0))).isTrue();
        refs.put(tag, all.get(0));
        if (round == 1) {
          assertThat(store.testAndSetRef("refs/tags/v0", refs.get("refs/tags/v0"), null)).isTrue();
          refs.remove("refs/tags/v0");
        }
        if (round < 2) {
          gc.gc(GcOptions.defaults()); // refs are roots; the rest goes to the lower
        }
      }
    }
  }

  private void put(Backend store, Random random) {
    byte[] data = data(random);
    objects.put(store.put(data), data);
  }

  private static byte[] data(Random random) {
    int size = random.nextInt(10) == 0 ? 2_000 + random.nextInt(4_000) : random.nextInt(600);
    byte[] data = new byte[size];
    random.nextBytes(data);
    return data;
  }

  private void snapshot() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        pristine.put(file, Files.readAllBytes(file));
        stamps.put(file, Files.getLastModifiedTime(file));
      }
    }
  }

  /**
   * Restores every file as the snapshot has it and removes files it does not have. A file is
   * rewritten when its size or modification time differs (each restored file gets its old time
   * back), so an unchanged store costs a directory walk, not a read of every file.
   */
  private void restore() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (!pristine.containsKey(file)) {
          Files.delete(file);
        }
      }
    }
    for (Map.Entry<Path, byte[]> entry : pristine.entrySet()) {
      Path file = entry.getKey();
      if (!Files.exists(file)
          || Files.size(file) != entry.getValue().length
          || !Files.getLastModifiedTime(file).equals(stamps.get(file))) {
        Files.write(file, entry.getValue());
        Files.setLastModifiedTime(file, stamps.get(file));
      }
    }
  }

  private void findTargets() {
    Path upper = dir.resolve("upper");
    ByteBuffer manifest = ByteBuffer.wrap(pristine.get(upper.resolve("MANIFEST")));
    int nameLength = Short.toUnsignedInt(manifest.getShort(12));
    long active = manifest.getLong(14 + nameLength + 8);
    String activeData = String.format("seg-%016x.data", active);
    String activeIndex = String.format("seg-%016x.idx", active);
    for (Map.Entry<Path, byte[]> entry : pristine.entrySet()) {
      Path file = entry.getKey();
      String name = file.getFileName().toString();
      long size = entry.getValue().length;
      if (size == 0) {
        continue; // LOCK: no content to damage
      }
      if (file.startsWith(upper)) {
        if (name.equals("MANIFEST")) {
          targets.add(new Target(file, "upper-manifest", 0, size));
        } else if (name.equals("refs.log")) {
          targets.add(new Target(file, "upper-refs", 0, size));
        } else if (name.equals(activeData)) {
          targets.add(new Target(file, "upper-active-data", 0, size));
        } else if (name.endsWith(".data")) {
          targets.add(new Target(file, "upper-sealed-data", 0, size));
        } else if (name.equals(activeIndex)) {
          targets.add(new Target(file, "upper-checkpoint", 0, size));
        } else if (name.endsWith(".idx")) {
          ByteBuffer index = ByteBuffer.wrap(entry.getValue());
          long table = 40 + 256 * 4 + (long) index.getInt(32) * (20 + 8);
          long bloom = index.getInt(36);
          targets.add(new Target(file, "upper-index", 0, table));
          targets.add(new Target(file, "upper-bloom", table, table + bloom));
          targets.add(new Target(file, "upper-index", table + bloom, size));
        } else {
          throw new AssertionError("unexpected file " + file);
        }
      } else {
        String kind =
            name.equals("volume.data")
                ? "lower-data"
                : name.equals("volume.mapping")
                    ? "lower-mapping"
                    : name.equals("volume.control")
                        ? "lower-control"
                        : name.endsWith(".index")
                            ? "lower-index"
                            : name.endsWith(".bloom")
                                ? "lower-bloom"
                                : name.equals("hash") ? "lower-hash" : null;
        if (kind == null) {
          throw new AssertionError("unexpected file " + file);
        }
        targets.add(new Target(file, kind, 0, size));
      }
    }
  }

  private static Target pick(List<Target> candidates, Random random) {
    long total = candidates.stream().mapToLong(Target::length).sum();
    long at = (long) (random.nextDouble() * total);
    for (Target target : candidates) {
      if (at < target.length()) {
        return target;
      }
      at -= target.length();
    }
    return candidates.get(candidates.size() - 1);
  }

  // ------------------------------------------------------------------ damage

  /** One damage: the file's bytes after it, and where it is. */
  private static final class Damage {
    final Target target;
    final String type;
    final long offset;
    final byte[] damaged;

    private Damage(Target target, String type, long offset, byte[] damaged) {
      this.target = target;
      this.type = type;
      this.offset = offset;
      this.damaged = damaged;
    }

    static Damage flip(Target target, Random random) {
      long offset = target.from() + (long) (random.nextDouble() * target.length());
      byte[] bytes = read(target.file());
      bytes[(int) offset] ^= (byte) (1 << random.nextInt(8));
      return new Damage(target, "flip", offset, bytes);
    }

    static Damage flipAt(Target target, long offset, int bit) {
      byte[] bytes = read(target.file());
      bytes[(int) offset] ^= (byte) (1 << bit);
      return new Damage(target, "flip", offset, bytes);
    }

    static Damage burst(Target target, Random random) {
      byte[] bytes = read(target.file());
      int kind = random.nextInt(10);
      if (kind < 2) {
        // Truncation: of the whole file, wherever the region is.
        int length = random.nextInt(bytes.length);
        return new Damage(target, "truncate", length, java.util.Arrays.copyOf(bytes, length));
      }
      for (int attempt = 0; ; attempt++) {
        long offset = target.from() + (long) (random.nextDouble() * target.length());
        int length = (int) Math.min(1 + random.nextInt(kind < 6 ? 64 : 512), target.to() - offset);
        byte[] changed = bytes.clone();
        if (kind < 6) {
          for (int i = 0; i < length; i++) {
            changed[(int) offset + i] = (byte) random.nextInt(256);
          }
          changed[(int) offset] = (byte) (bytes[(int) offset] ^ (1 + random.nextInt(255)));
          return new Damage(target, "random", offset, changed);
        }
        java.util.Arrays.fill(changed, (int) offset, (int) offset + length, (byte) 0);
        if (!java.util.Arrays.equals(changed, bytes) || attempt > 20) {
          return new Damage(target, "zero", offset, changed);
        }
      }
    }

    void apply() throws IOException {
      Files.write(target.file(), damaged);
    }

    @Override
    public String toString() {
      return String.format(
          "%s of %s (%s) at offset %d of %d",
          type, target.file(), target.kind(), offset, target.to());
    }

    private static byte[] read(Path file) {
      try {
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private void check(Damage damage, Figures figures) throws IOException {
    damage.apply();
    Observed seen = readEverything();
    restore();
    damage.apply(); // the read-write open may have repaired it
    Verified verified = verify(damage.target.file());
    restore();

    figures.add("objects checked", seen.checked);
    boolean byRead = seen.corruption > 0;
    boolean byVerify = verified.exit() != 0 && verified.namesFile();
    figures.add("detected by read", byRead ? 1 : 0);
    figures.add("detected by verify", byVerify ? 1 : 0);
    figures.add("verify named offset", byVerify && verified.namesOffset() ? 1 : 0);
    figures.add("wrong bytes served", seen.wrongBytes);
    figures.add("wrong refs served", seen.wrongRefs);
    figures.add("silently absent", byVerify ? 0 : seen.absent);
    figures.add("absent, reported by verify", byVerify ? seen.absent : 0);
    figures.add("untyped errors", seen.untyped.size());
    figures.add("undetected", byVerify ? 0 : 1);
    figures.add("harmless to reads", seen.correct == seen.checked ? 1 : 0);
    if (seen.wrongBytes > 0 || seen.wrongRefs > 0) {
      violations.add(
          damage
              + ": served "
              + seen.wrongBytes
              + " wrong objects and "
              + seen.wrongRefs
              + " wrong refs");
    }
    if (!seen.untyped.isEmpty()) {
      violations.add(
          damage + ": untyped errors " + seen.untyped.subList(0, Math.min(3, seen.untyped.size())));
    }
    if (!byVerify) {
      violations.add(
          damage
              + ": cairn verify "
              + (verified.exit() == 0 ? "found nothing" : "did not name the file")
              + (seen.absent > 0 ? " and " + seen.absent + " objects or refs went missing" : "")
              + "; verify said: "
              + verified.output());
    }
  }

  private Observed readEverything() {
    Observed seen = new Observed();
    Backend store;
    try {
      store = Cairn.open(spec);
    } catch (CorruptionException e) {
      seen.checked = objects.size() + refs.size();
      seen.corruption = seen.checked; // fails closed: nothing is served
      return seen;
    } catch (RuntimeException e) {
      seen.checked = objects.size() + refs.size();
      seen.untyped.add("open: " + e);
      return seen;
    }
    try {
      for (Map.Entry<Hash, byte[]> object : objects.entrySet()) {
        seen.checked++;
        try {
          Optional<byte[]> data = store.read(object.getKey());
          if (data.isEmpty()) {
            seen.absent++;
          } else if (java.util.Arrays.equals(data.get(), object.getValue())) {
            seen.correct++;
          } else {
            seen.wrongBytes++;
          }
        } catch (CorruptionException e) {
          seen.corruption++;
        } catch (RuntimeException e) {
          seen.untyped.add("read " + object.getKey() + ": " + e);
        }
      }
      readRefs(store, seen);
    } finally {
      try {
        store.close();
      } catch (RuntimeException e) {
        seen.untyped.add("close: " + e);
      }
    }
    return seen;
  }

  private void readRefs(Backend store, Observed seen) {
    try {
      List<String> names = store.listRefs();
      for (String name : names) {
        if (!refs.containsKey(name)) {
          seen.wrongRefs++; // a ref that was never set, or was deleted
        }
      }
    } catch (CorruptionException e) {
      seen.corruption++;
    } catch (RuntimeException e) {
      seen.untyped.add("listRefs: " + e);
    }
    for (Map.Entry<String, Hash> ref : refs.entrySet()) {
      seen.checked++;
      try {
        Optional<Hash> value = store.getRef(ref.getKey());
        if (value.isEmpty()) {
          seen.absent++;
        } else if (value.get().equals(ref.getValue())) {
          seen.correct++;
        } else {
          seen.wrongRefs++;
        }
      } catch (CorruptionException e) {
        seen.corruption++;
      } catch (RuntimeException e) {
        seen.untyped.add("getRef " + ref.getKey() + ": " + e);
      }
    }
  }

  private Verified verify(Path damaged) {
    if (cairn == null) {
      // One command line for the whole run, as a shell would run the same binary again.
      cairn =
          CairnCli.commandLine(InputStream.nullInputStream(), verifyOut, verifyErr, Map.of(), dir);
    }
    verifyOut.reset();
    verifyErr.reset();
    int exit = cairn.execute("--store", spec, "-q", "verify");
    String output =
        verifyOut.toString(StandardCharsets.UTF_8) + verifyErr.toString(StandardCharsets.UTF_8);
    if (damaged == null) {
      return new Verified(exit, false, false, output.strip());
    }
    String name = damaged.toAbsolutePath().normalize().toString();
    Matcher m = Pattern.compile(Pattern.quote(name) + "(@| at offset )(\\d+)").matcher(output);
    return new Verified(exit, output.contains(name), m.find(), output.strip());
  }

  private void assertClean(String what) {
    Observed seen = readEverything();
    assertThat(seen.correct).as(what + ": objects and refs read back").isEqualTo(seen.checked);
    assertThat(seen.checked).isEqualTo(objects.size() + refs.size());
    Verified verified = verify(null);
    assertThat(verified.exit()).as(what + ": cairn verify said %s", verified.output()).isZero();
  }
}
