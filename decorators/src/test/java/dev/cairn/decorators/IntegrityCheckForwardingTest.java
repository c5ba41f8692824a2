package dev.cairn.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.StoreClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link IntegrityCheck} reaches the stores below every decorator ({@code cache}, {@code
 * stats}, {@code verify}, {@code read-only}) and both stores of {@code layered}: checking
 * files changes nothing a decorator keeps, so {@code cairn verify} can check a whole stack.
 */
class IntegrityCheckForwardingTest {
  /** A store whose files hold one damage each. */
  static final class CheckedStore extends MapStore implements IntegrityCheck {
    private final String file;
    int checks;

    CheckedStore(String file) {
      this.file = file;
    }

    @Override
    public Summary checkIntegrity(Consumer<? super CorruptionException> damage) {
      checks++;
      damage.accept(new CorruptionException(file, 7, "damaged"));
      return new Summary(1, 10, 2, 1);
    }
  }

  private static List<String> check(Backend store) {
    List<String> files = new ArrayList<>();
    IntegrityCheck.Summary summary = store.feature(IntegrityCheck.class).orElseThrow()
        .checkIntegrity(e -> files.add(e.file() + "@" + e.offset()));
    assertThat(summary.damaged()).isEqualTo(files.size());
    return files;
  }

  @Test
  void everyDecoratorPassesItsChildsCheckThrough() {
    assertThat(check(Decorators.cache(new CheckedStore("a"), 10))).containsExactly("a@7");
    assertThat(check(Decorators.stats(new CheckedStore("b")))).containsExactly("b@7");
    assertThat(check(Decorators.verify(new CheckedStore("c")))).containsExactly("c@7");
    assertThat(check(Decorators.readOnly(new CheckedStore("d")))).containsExactly("d@7");
    assertThat(check(Decorators.stats(Decorators.cache(new CheckedStore("e"), 10))))
        .containsExactly("e@7");
  }

  @Test
  void layeredChecksBothStoresUpperFirst() {
    LayeredStore store = Decorators.layered(new CheckedStore("upper"),
        new CheckedStore("lower"));
    assertThat(check(store)).containsExactly("upper@7", "lower@7");
    IntegrityCheck.Summary summary = store.feature(IntegrityCheck.class).orElseThrow()
        .checkIntegrity(e -> { });
    assertThat(summary).isEqualTo(new IntegrityCheck.Summary(2, 20, 4, 2));
  }

  @Test
  void layeredChecksTheOneStoreThatCanBeChecked() {
    assertThat(check(Decorators.layered(new MapStore(), new CheckedStore("lower"))))
        .containsExactly("lower@7");
  }

  @Test
  void noStoreBelowCanBeCheckedSoNeitherCanTheStack() {
    assertThat(Decorators.cache(new MapStore(), 10).feature(IntegrityCheck.class)).isEmpty();
    assertThat(Decorators.layered(new MapStore(), new MapStore())
        .feature(IntegrityCheck.class)).isEmpty();
  }

  @Test
  void aClosedStackRefusesTheCheck() {
    Backend store = Decorators.layered(new CheckedStore("u"), new CheckedStore("l"));
    IntegrityCheck check = store.feature(IntegrityCheck.class).orElseThrow();
    store.close();
    assertThatThrownBy(() -> check.checkIntegrity(e -> { }))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.feature(IntegrityCheck.class))
        .isInstanceOf(StoreClosedException.class);
  }
}
