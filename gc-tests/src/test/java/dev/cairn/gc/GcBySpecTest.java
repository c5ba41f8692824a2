package dev.cairn.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.stack.Cairn;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stack opened by spec, as the CLI opens it, offers GC through its decorators. */
class GcBySpecTest {
  @TempDir Path root;

  @Test
  void collectsAStackOpenedBySpec() {
    String spec =
        "stats:cache(capacity=100):layered(upper=disk:"
            + root.resolve("upper")
            + "?hash=sha1, lower=lower:"
            + root.resolve("lower")
            + "?hash=sha1)";
    GitHistory history;
    try (Backend store = Cairn.open(spec)) {
      history = new GitHistory(store);
      store.setRef("refs/tags/v1", history.id("tag v1"));
      GcReport report =
          Stacks.gc(store).gc(GcOptions.defaults().withLinks(LinkExtractor.forName("git")));
      assertThat(report.archived()).isEqualTo(GitHistory.UNREACHABLE.size());
      assertThat(report.toString()).startsWith("gc (archive, generation 1): 9 marked");
    }
    try (Backend store = Cairn.open(spec)) {
      for (Hash id : history.ids.values()) {
        assertThat(store.read(id)).isPresent();
      }
      assertThat(
              Stacks.gc(store)
                  .gc(GcOptions.defaults().withLinks(LinkExtractor.forName("git")))
                  .archived())
          .isZero();
    }
  }
}
