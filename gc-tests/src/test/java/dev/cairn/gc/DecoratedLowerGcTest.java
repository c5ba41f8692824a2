package dev.cairn.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.stack.Cairn;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19, item 1: a decorator over the lower archive ({@code stats:}, {@code verify:}, {@code
 * cache:}) used to hide the archive, so {@code gc} fell back to rolling mode and deleted what it
 * should have archived ("0 archived, 3 dropped"). A decorator passes the archive on, and one that
 * cannot (a read-only view) makes the collection fail instead of deleting.
 */
class DecoratedLowerGcTest {
  @TempDir Path root;

  private String spec(String decorator) {
    return "layered(upper=disk:"
        + root.resolve("upper")
        + "?hash=sha1, lower="
        + decorator
        + "lower:"
        + root.resolve("lower")
        + "?hash=sha1)";
  }

  private static GcReport collect(Backend store) {
    return Stacks.gc(store).gc(GcOptions.defaults().withLinks(LinkExtractor.forName("git")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"stats:", "verify:", "cache(capacity=100):", "stats:verify:cache:"})
  void gcThroughADecoratedLowerArchivesInsteadOfDeleting(String decorator) {
    GitHistory history;
    try (Backend store = Cairn.open(spec(decorator))) {
      history = new GitHistory(store);
      store.setRef("refs/tags/v1", history.id("tag v1"));
      GcReport report = collect(store);
      assertThat(report.mode()).isEqualTo(dev.cairn.spi.GarbageCollection.Mode.ARCHIVE);
      assertThat(report.archived()).isEqualTo(GitHistory.UNREACHABLE.size());
    }
    try (Backend store = Cairn.open(spec(decorator))) {
      for (Hash id : history.ids.values()) {
        assertThat(store.read(id)).as("%s after gc", id).isPresent();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"read-only:", "stats:read-only:"})
  void gcOverALowerItCannotArchiveIntoFailsAndDeletesNothing(String decorator) {
    GitHistory history;
    try (Backend store =
        Cairn.open(
            "layered(upper=disk:"
                + root.resolve("upper")
                + "?hash=sha1, lower=lower:"
                + root.resolve("lower")
                + "?hash=sha1)")) {
      history = new GitHistory(store);
      store.setRef("refs/tags/v1", history.id("tag v1"));
    }
    try (Backend store = Cairn.open(spec(decorator))) {
      assertThatThrownBy(() -> collect(store))
          .isInstanceOf(StoreConfigurationException.class)
          .hasMessageContaining("read-only");
      for (Hash id : history.ids.values()) {
        assertThat(store.read(id)).as("%s after the refused gc", id).isPresent();
      }
    }
  }
}
