package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.bytes;
import static dev.cairn.decorators.Fixtures.hashOf;
import static dev.cairn.decorators.Fixtures.mockChild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoreSpec;
import dev.cairn.spi.StoreStats;
import dev.cairn.spi.StoredObject;
import dev.cairn.testkit.FakeBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LayeredStoreTest {
  private final FakeBackend upper = FakeBackend.create();
  private final FakeBackend lower = FakeBackend.create();
  private final LayeredStore store = Decorators.layered(upper, lower);
  private final Hash a = hashOf("a");
  private final Hash b = hashOf("b");
  private final Hash c = hashOf("c");

  @Test
  void readsTheUpperThenTheLower() {
    upper.write(a, bytes("a"));
    lower.write(b, bytes("b"));

    assertThat(store.read(a)).hasValue(bytes("a"));
    assertThat(store.read(b)).hasValue(bytes("b"));
    assertThat(store.read(c)).isEmpty();
  }

  @Test
  void listsTheUpperThenTheLowerWhenBothCanAndNothingWhenEitherCannot() {
    StoredObject up = new StoredObject(a, 1, "up@0");
    StoredObject down = new StoredObject(b, 1, "down@0");
    ObjectEnumeration upList = visitor -> visitor.accept(up);
    ObjectEnumeration downList = visitor -> visitor.accept(down);
    FakeBackend listedUpper =
        FakeBackend.builder().feature(ObjectEnumeration.class, upList).build();
    FakeBackend listedLower =
        FakeBackend.builder().feature(ObjectEnumeration.class, downList).build();
    List<StoredObject> seen = new ArrayList<>();
    Decorators.layered(listedUpper, listedLower)
        .feature(ObjectEnumeration.class)
        .orElseThrow()
        .forEachObject(seen::add);
    assertThat(seen).containsExactly(up, down);
    // A listing without one layer would look complete: none is offered.
    assertThat(
            Decorators.layered(listedUpper, FakeBackend.create()).feature(ObjectEnumeration.class))
        .isEmpty();
    assertThat(
            Decorators.layered(FakeBackend.create(), listedLower).feature(ObjectEnumeration.class))
        .isEmpty();
  }

  @Test
  void existsInEither() {
    upper.write(a, bytes("a"));
    lower.write(b, bytes("b"));

    assertThat(store.exists(a)).isTrue();
    assertThat(store.exists(b)).isTrue();
    assertThat(store.exists(c)).isFalse();
  }

  @Test
  void writesGoToTheUpper() {
    store.write(a, bytes("a"));
    store.put(bytes("b"));
    store.writeBatch(Map.of(c, bytes("c")));
    store.setRef("main", a);

    assertThat(upper.objects()).containsOnlyKeys(a, b, c);
    assertThat(upper.refs()).containsOnlyKeys("main");
    assertThat(lower.objects()).isEmpty();
    assertThat(lower.refs()).isEmpty();
  }

  @Test
  void anUpperRefShadowsTheLowers() {
    lower.setRef("main", a);
    lower.setRef("old", b);
    upper.setRef("main", c);

    assertThat(store.getRef("main")).hasValue(c);
    assertThat(store.getRef("old")).hasValue(b);
    assertThat(store.getRef("none")).isEmpty();
  }

  @Test
  void listsTheSortedUnionOfRefs() {
    upper.setRef("main", a);
    upper.setRef("b", a);
    lower.setRef("main", b);
    lower.setRef("a", b);
    lower.setRef("c", b);

    assertThat(store.listRefs()).containsExactly("a", "b", "c", "main");
  }

  @Test
  void updatesARefOnlyTheLowerHoldsFromTheValueItShows() {
    lower.setRef("main", a);

    assertThat(store.testAndSetRef("main", a, b)).isTrue();

    assertThat(store.getRef("main")).hasValue(b);
    assertThat(upper.refs()).containsEntry("main", b);
    assertThat(lower.refs()).containsEntry("main", a);
  }

  @Test
  void doesNotCreateARefTheLowerHolds() {
    lower.setRef("main", a);

    assertThat(store.testAndSetRef("main", null, b)).isFalse();
    assertThat(store.testAndSetRef("main", b, c)).isFalse();
    assertThat(store.testAndSetRef("main", null, null)).isFalse();

    assertThat(store.getRef("main")).hasValue(a);
    assertThat(upper.refs()).isEmpty();
  }

  @Test
  void comparesAgainstTheUpperWhenItShadowsTheLower() {
    lower.setRef("main", a);
    upper.setRef("main", b);

    assertThat(store.testAndSetRef("main", a, c)).isFalse();
    assertThat(store.testAndSetRef("main", b, c)).isTrue();
    assertThat(store.getRef("main")).hasValue(c);
  }

  @Test
  void refusesToDeleteARefTheLowerHolds() {
    lower.setRef("main", a);
    upper.setRef("shadowed", b);
    lower.setRef("shadowed", a);

    assertThatThrownBy(() -> store.testAndSetRef("main", a, null))
        .isInstanceOf(ReadOnlyStoreException.class)
        .hasMessageContaining("main");
    assertThatThrownBy(() -> store.testAndSetRef("shadowed", b, null))
        .isInstanceOf(ReadOnlyStoreException.class);

    assertThat(store.getRef("main")).hasValue(a);
    assertThat(store.getRef("shadowed")).hasValue(b);
  }

  @Test
  void deletesARefOnlyTheUpperHolds() {
    upper.setRef("topic", a);

    assertThat(store.testAndSetRef("topic", a, null)).isTrue();

    assertThat(store.getRef("topic")).isEmpty();
    assertThat(store.listRefs()).isEmpty();
  }

  @Test
  void createsAndTestsAbsenceLikeAnyStore() {
    assertThat(store.testAndSetRef("main", null, null)).isTrue();
    assertThat(store.testAndSetRef("main", null, a)).isTrue();
    assertThat(store.testAndSetRef("main", null, b)).isFalse();
    assertThat(store.getRef("main")).hasValue(a);
  }

  @Test
  void retriesWhenTheUpperMovesUnderneath() {
    // The upper's first compare-and-set loses a race: another writer moves the ref to b.
    upper.setRef("main", a);
    upper.beforeNext("testAndSetRef", () -> upper.setRef("main", b));

    assertThat(store.testAndSetRef("main", a, c)).isFalse();
    assertThat(store.getRef("main")).hasValue(b);
    assertThat(store.testAndSetRef("main", b, c)).isTrue();
  }

  @Test
  void flushesBothEvenIfTheUpperFails() {
    Backend failing = mockChild();
    Backend below = mockChild();
    doThrow(new StoreIOException("fsync failed", new IOException("EIO"))).when(failing).flush();
    LayeredStore layered = Decorators.layered(failing, below);

    assertThatThrownBy(layered::flush).isInstanceOf(StoreIOException.class);

    verify(below).flush();
  }

  @Test
  void closesBothEvenIfBothFail() {
    Backend failing = mockChild();
    Backend below = mockChild();
    doThrow(new StoreIOException("upper", new IOException("EIO"))).when(failing).close();
    doThrow(new StoreIOException("lower", new IOException("EIO"))).when(below).close();
    LayeredStore layered = Decorators.layered(failing, below);

    assertThatThrownBy(layered::close)
        .hasMessageContaining("upper")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(s -> assertThat(s).hasMessageContaining("lower")));
    verify(failing).close();
    verify(below).close();
  }

  @Test
  void rejectsStoresOfDifferentAlgorithms() {
    Backend sha1 = mock(Backend.class);
    when(sha1.hashAlgorithm()).thenReturn(HashAlgorithm.SHA1);
    when(sha1.toString()).thenReturn("old:");

    assertThatThrownBy(() -> Decorators.layered(upper, sha1))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("sha256")
        .hasMessageContaining("sha1")
        .hasMessageContaining("old:");
  }

  @Test
  void writesAsTheUpperAllowsAndPersistsOnlyIfBothDo() {
    Backend persistentUpper = mockChild();
    Backend readOnlyLower = Decorators.readOnly(mockChild());

    assertThat(Decorators.layered(persistentUpper, readOnlyLower).capabilities())
        .containsExactlyInAnyOrder(
            Capability.WRITE_OBJECTS, Capability.WRITE_REFS, Capability.PERSISTENT);
    assertThat(store.capabilities())
        .containsExactlyInAnyOrder(Capability.WRITE_OBJECTS, Capability.WRITE_REFS);
    assertThat(Decorators.layered(readOnlyLower, persistentUpper).capabilities())
        .containsExactly(Capability.PERSISTENT);
  }

  @Test
  void addsUpTheCacheCountersOfBothStores() {
    Backend cachedUpper = mockChild();
    Backend cachedLower = mockChild();
    when(cachedUpper.stats()).thenReturn(Optional.of(new StoreStats(0, 0, 2, 3, 0, 0)));
    when(cachedLower.stats()).thenReturn(Optional.of(new StoreStats(0, 0, 5, 7, 0, 0)));
    LayeredStore layered = Decorators.layered(cachedUpper, cachedLower);
    layered.read(a);

    assertThat(layered.stats()).hasValue(new StoreStats(1, 0, 7, 10, 0, 0));
  }

  @Test
  void exposesItsLayersForGarbageCollection() {
    assertThat(store.upper()).isSameAs(upper);
    assertThat(store.lower()).isSameAs(lower);
  }

  @Test
  void theFactoryTakesBothRoles() {
    LayeredFactory factory = new LayeredFactory();
    StoreSpec memory = StoreSpec.leaf("memory", null, Map.of());
    StoreSpec spec =
        StoreSpec.combinator("layered", Map.of(), Map.of("upper", memory, "lower", memory));

    Backend made =
        factory.create(spec, Map.of("upper", upper, "lower", lower), StoreContext.standard());

    assertThat(factory.roles()).containsExactly("upper", "lower");
    assertThat(made)
        .isInstanceOfSatisfying(
            LayeredStore.class,
            layered -> {
              assertThat(layered.upper()).isSameAs(upper);
              assertThat(layered.lower()).isSameAs(lower);
            });
    assertThatThrownBy(() -> factory.create(spec, Map.of("upper", upper), StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'lower'");
  }
}
