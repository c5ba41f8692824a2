package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.StoreSpec;
import dev.cairn.stack.Cairn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code cairn stats}: what the store holds and its size on disk, facts of the store itself.
 *
 * <p>It leaves out the operation counters of {@link Backend#stats()} (reads, writes, cache hits):
 * they count only the operations of the process that opened the store, so a fresh {@code cairn
 * stats} would always show zeros, which reads as if nothing had ever happened. Every figure is a
 * number in {@code --json}.
 */
@Command(
    name = "stats",
    description =
        "Print the store's hash algorithm, capabilities, refs, objects and bytes"
            + " (when it can list them) and the size on disk of each of its directories."
            + " Per-process operation counters are not shown: a new process has none.")
final class StatsCommand extends StoreCommand {
  @Override
  int run(Backend store) {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("store", Cairn.parse(root().spec()).toString());
    stats.put("hash", store.hashAlgorithm().name());
    stats.put(
        "capabilities",
        new TreeSet<>(
            store.capabilities().stream()
                .map(Enum::name)
                .collect(java.util.stream.Collectors.toList())));
    stats.put("refs", store.listRefs().size());
    store
        .feature(ObjectEnumeration.class)
        .ifPresent(
            enumeration -> {
              long[] counts = new long[2];
              enumeration.forEachObject(
                  object -> {
                    counts[0]++;
                    counts[1] += object.size();
                  });
              stats.put("objects", counts[0]);
              stats.put("objectBytes", counts[1]);
            });
    Map<String, Object> disk = new LinkedHashMap<>();
    directories(Cairn.parse(root().spec()), "", disk);
    stats.put("diskBytes", disk);
    if (root().json) {
      json(stats);
    } else {
      for (Map.Entry<String, Object> e : stats.entrySet()) {
        if (e.getValue() instanceof Map) {
          for (Map.Entry<?, ?> d : ((Map<?, ?>) e.getValue()).entrySet()) {
            io().out
                .println(
                    String.format(Locale.ROOT, "%-12s %,d  %s", "disk", d.getValue(), d.getKey()));
          }
        } else if (e.getValue() instanceof Long || e.getValue() instanceof Integer) {
          io().out.println(String.format(Locale.ROOT, "%-12s %,d", e.getKey(), e.getValue()));
        } else {
          io().out.println(String.format(Locale.ROOT, "%-12s %s", e.getKey(), e.getValue()));
        }
      }
    }
    return 0;
  }

  /** The bytes under each leaf's directory, by directory. */
  private void directories(StoreSpec spec, String role, Map<String, Object> sizes) {
    if (spec.isLeaf()) {
      spec.locator()
          .filter(l -> !l.isEmpty())
          .ifPresent(
              locator -> {
                Path path = io().resolve(locator);
                if (Files.isDirectory(path)) {
                  sizes.put(path.toString(), size(path));
                }
              });
      return;
    }
    spec.children().forEach((name, child) -> directories(child, name, sizes));
  }

  static long size(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // removed meanwhile
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
