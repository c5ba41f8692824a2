package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LinkExtractor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn gc}: garbage collection of a layered store, printing its report. */
@Command(
    name = "gc",
    description =
        "Collect a layered store: objects no ref (or --pin) reaches move from the"
            + " upper to the lower (a lower: archive, or any lower that keeps its objects, such as"
            + " disk:, s3: or postgres:), or are dropped if the lower is in memory or read-only;"
            + " prints the report.")
final class GcCommand extends StoreCommand {
  @Option(
      names = "--pin",
      paramLabel = "HASH",
      description = "keep this object and what it reaches, besides what refs reach; repeatable")
  List<String> pins = new ArrayList<>();

  @Option(
      names = "--links",
      paramLabel = "EXTRACTOR",
      defaultValue = "git",
      description =
          "how objects link to others: git (commits, trees, tags) or none (every"
              + " object a leaf; only roots are kept); default: ${DEFAULT-VALUE}")
  String links;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "auto, archive (into the lower, which must be writable) or rolling (drop);"
              + " default:"
              + " ${DEFAULT-VALUE}")
  String mode;

  @Override
  int run(Backend store) {
    LinkExtractor extractor;
    try {
      extractor = LinkExtractor.forName(links);
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage("--links: " + e.getMessage());
    }
    GarbageCollection.Mode gcMode;
    try {
      gcMode = GarbageCollection.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage("--mode must be auto, archive or rolling, not '" + mode + "'");
    }
    List<Hash> pinned = new ArrayList<>();
    for (String pin : pins) {
      pinned.add(CairnCommand.parseHash(store, pin));
    }
    GarbageCollection gc =
        store
            .feature(GarbageCollection.class)
            .orElseThrow(
                () ->
                    CliFailure.failure(
                        "the store "
                            + root().spec()
                            + " has no garbage collection; use a"
                            + " layered store, e.g. layered(upper=disk:/data/upper, lower=lower:/data/lower)"));
    long start = System.nanoTime();
    GcOptions options =
        GcOptions.defaults()
            .withLinks(extractor)
            .withMode(gcMode)
            .withPinned(pinned)
            .withListener(
                phase -> {
                  if (!root().quiet) {
                    io().err
                        .println(
                            String.format(
                                Locale.ROOT,
                                "gc: %s (%.1f s)",
                                phase.name().toLowerCase(Locale.ROOT),
                                (System.nanoTime() - start) / 1e9));
                  }
                });
    GcReport report = gc.gc(options);
    store.flush();
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("mode", report.mode().name().toLowerCase(Locale.ROOT));
      result.put("generation", report.generation());
      result.put("marked", report.marked());
      result.put("missing", report.missing());
      result.put("unreachable", report.unreachable());
      result.put("archived", report.archived());
      result.put("dropped", report.dropped());
      result.put("bytesBefore", report.bytesBefore());
      result.put("bytesAfter", report.bytesAfter());
      Map<String, Object> phases = new LinkedHashMap<>();
      report
          .phases()
          .forEach(
              (phase, time) -> phases.put(phase.name().toLowerCase(Locale.ROOT), time.toMillis()));
      result.put("phaseMillis", phases);
      json(result);
    } else {
      say(report.toString());
    }
    return 0;
  }
}
