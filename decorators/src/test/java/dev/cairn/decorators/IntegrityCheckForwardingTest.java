package dev.cairn.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.testkit.FakeBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IntegrityCheck} reaches the stores below every decorator ({@code cache}, {@code stats},
 * {@code verify}, {@code read-only}) and both stores of {@code layered}: checking files changes
 * nothing a decorator keeps, so {@code cairn verify} can check a whole stack.
 */
class IntegrityCheckForwardingTest {
  /** A store whose {@code file} holds one damage. */
  private static FakeBackend checked(String file) {
    IntegrityCheck check =
        damage -> {
          damage.accept(new CorruptionException(file, 7, "damaged"));
          return new IntegrityCheck.Summary(1, 10, 2, 1);
        };
    return FakeBackend.builder().feature(IntegrityCheck.class, check).build();
  }

  private static List<String> check(Backend store) {
    List<String> files = new ArrayList<>();
    IntegrityCheck.Summary summary =
        store
            .feature(IntegrityCheck.class)
            .orElseThrow()
            .checkIntegrity(e -> files.add(e.file() + "@" + e.offset()));
    assertThat(summary.damaged()).isEqualTo(files.size());
    return files;
  }

  @Test
  void everyDecoratorPassesItsChildsCheckThrough() {
    assertThat(check(Decorators.cache(checked("a"), 10))).containsExactly("a@7");
    assertThat(check(Decorators.stats(checked("b")))).containsExactly("b@7");
    assertThat(check(Decorators.verify(checked("c")))).containsExactly("c@7");
    assertThat(check(Decorators.readOnly(checked("d")))).containsExactly("d@7");
    assertThat(check(Decorators.stats(Decorators.cache(checked("e"), 10)))).containsExactly("e@7");
  }

  @Test
  void layeredChecksBothStoresUpperFirst() {
    LayeredStore store = Decorators.layered(checked("upper"), checked("lower"));
    assertThat(check(store)).containsExactly("upper@7", "lower@7");
    IntegrityCheck.Summary summary =
        store.feature(IntegrityCheck.class).orElseThrow().checkIntegrity(e -> {});
    assertThat(summary).isEqualTo(new IntegrityCheck.Summary(2, 20, 4, 2));
  }

  @Test
  void layeredChecksTheOneStoreThatCanBeChecked() {
    assertThat(check(Decorators.layered(FakeBackend.create(), checked("lower"))))
        .containsExactly("lower@7");
  }

  @Test
  void noStoreBelowCanBeCheckedSoNeitherCanTheStack() {
    assertThat(Decorators.cache(FakeBackend.create(), 10).feature(IntegrityCheck.class)).isEmpty();
    assertThat(
            Decorators.layered(FakeBackend.create(), FakeBackend.create())
                .feature(IntegrityCheck.class))
        .isEmpty();
  }

  @Test
  void aClosedStackRefusesTheCheck() {
    Backend store = Decorators.layered(checked("u"), checked("l"));
    IntegrityCheck check = store.feature(IntegrityCheck.class).orElseThrow();
    store.close();
    assertThatThrownBy(() -> check.checkIntegrity(e -> {}))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.feature(IntegrityCheck.class))
        .isInstanceOf(StoreClosedException.class);
  }
}
