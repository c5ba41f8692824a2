package dev.cairn.gc;

import dev.cairn.decorators.LayeredStore;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A measurement, not a test: builds a Git-shaped store of {@code objects} objects, half of them
 * unreachable, under {@code layered(upper=disk:…, lower=lower:…)}, collects it in archive mode and
 * prints the report and the peak heap during the collection. Run in a JVM with the heap bound under
 * test, e.g. {@code -Xmx256m}; see {@code GcMeasurementTest}.
 */
public final class GcMeasurement {
  private GcMeasurement() {}

  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    int objects = Integer.parseInt(args[1]);
    String mode = args.length > 2 ? args[2] : "archive";
    HashAlgorithm algorithm = HashAlgorithm.SHA1;
    Random random = new Random(42);
    long buildStart = System.nanoTime();
    try (LayeredStore stack =
        mode.equals("archive")
            ? Stacks.archived(root, algorithm)
            : Stacks.rolling(root, algorithm)) {
      int perTree = 100;
      int commits = objects / 2 / (perTree + 2);
      Hash parent = null;
      for (int c = 0; c < commits; c++) {
        Map<Hash, byte[]> batch = new LinkedHashMap<>();
        List<GitObjects.Entry> entries = new ArrayList<>();
        for (int b = 0; b < perTree; b++) {
          byte[] blob = blob(random);
          Hash hash = algorithm.hash(blob);
          batch.put(hash, blob);
          entries.add(new GitObjects.Entry("100644", String.format("f%03d", b), hash));
        }
        byte[] tree = GitObjects.tree(entries.toArray(GitObjects.Entry[]::new));
        Hash treeId = algorithm.hash(tree);
        batch.put(treeId, tree);
        byte[] commit =
            GitObjects.commit(treeId, parent == null ? List.of() : List.of(parent), "commit " + c);
        parent = algorithm.hash(commit);
        batch.put(parent, commit);
        // As many unreachable blobs as reachable objects.
        int garbage = perTree + 2;
        for (int g = 0; g < garbage; g++) {
          byte[] blob = blob(random);
          batch.put(algorithm.hash(blob), blob);
        }
        stack.writeBatch(batch);
      }
      stack.setRef("refs/heads/main", parent);
      stack.flush();
      long built = System.nanoTime();
      System.gc();
      List<MemoryPoolMXBean> heap =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .toList();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      GcReport report =
          Stacks.gc(stack).gc(GcOptions.defaults().withLinks(LinkExtractor.forName("git")));
      long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      System.out.printf(
          "objects written: %d in %d ms (%s mode, max heap %d MiB)%n",
          commits * 2L * (perTree + 2),
          (built - buildStart) / 1_000_000,
          mode,
          Runtime.getRuntime().maxMemory() >> 20);
      System.out.println(report);
      System.out.printf("peak heap during gc (sum of pool peaks): %d MiB%n", peak >> 20);
    }
  }

  private static byte[] blob(Random random) {
    byte[] content = new byte[32 + random.nextInt(96)];
    random.nextBytes(content);
    return GitObjects.object("blob", content);
  }
}
