package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.bytes;
import static dev.cairn.decorators.Fixtures.hashOf;
import static dev.cairn.decorators.Fixtures.mockChild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreStats;
import dev.cairn.testkit.FakeBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ReadOnlyStoreTest {
  private final Backend child = mockChild();
  private final Backend store = Decorators.readOnly(child);
  private final Hash hash = hashOf("hello");

  @BeforeEach
  void forgetConstruction() {
    // Building the view asks the child for its algorithm and capabilities; what matters is
    // what the operations below do.
    clearInvocations(child);
  }

  private void assertRejected(String operation, Executable call) {
    ReadOnlyStoreException e =
        org.junit.jupiter.api.Assertions.assertThrows(ReadOnlyStoreException.class, call);
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e)
        .hasMessageStartingWith(operation + " rejected")
        .hasMessageContaining("read-only:mock:");
  }

  @Test
  void rejectsWriteWithoutTouchingTheChild() {
    assertRejected("write", () -> store.write(hash, bytes("hello")));
    verifyNoInteractions(child);
  }

  @Test
  void rejectsPutWithoutTouchingTheChild() {
    assertRejected("put", () -> store.put(bytes("hello")));
    verifyNoInteractions(child);
  }

  @Test
  void rejectsWriteBatchWithoutTouchingTheChild() {
    assertRejected("writeBatch", () -> store.writeBatch(Map.of(hash, bytes("hello"))));
    verifyNoInteractions(child);
  }

  @Test
  void rejectsSetRefWithoutTouchingTheChild() {
    assertRejected("setRef", () -> store.setRef("refs/heads/main", hash));
    verifyNoInteractions(child);
  }

  @Test
  void rejectsEveryKindOfTestAndSetRefWithoutTouchingTheChild() {
    assertRejected("testAndSetRef", () -> store.testAndSetRef("main", null, hash));
    assertRejected("testAndSetRef", () -> store.testAndSetRef("main", hash, hash));
    assertRejected("testAndSetRef", () -> store.testAndSetRef("main", hash, null));
    assertRejected("testAndSetRef", () -> store.testAndSetRef("main", null, null));
    verifyNoInteractions(child);
  }

  @Test
  void readsPassThrough() {
    when(child.read(hash)).thenReturn(Optional.of(bytes("hello")));
    when(child.exists(hash)).thenReturn(true);
    when(child.getRef("main")).thenReturn(Optional.of(hash));
    when(child.listRefs()).thenReturn(List.of("main"));

    assertThat(store.read(hash)).hasValue(bytes("hello"));
    assertThat(store.exists(hash)).isTrue();
    assertThat(store.getRef("main")).hasValue(hash);
    assertThat(store.listRefs()).containsExactly("main");
  }

  @Test
  void flushAndClosePassThrough() {
    store.flush();
    store.close();

    verify(child).flush();
    verify(child).close();
    assertThatThrownBy(() -> store.read(hash)).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void statsAreTheChilds() {
    StoreStats counters = new StoreStats(3, 0, 0, 0, 12, 0);
    when(child.stats()).thenReturn(Optional.of(counters));

    assertThat(store.stats()).hasValue(counters);
  }

  @Test
  void dropsOnlyTheWriteCapabilities() {
    assertThat(store.capabilities()).containsExactly(Capability.PERSISTENT);
  }

  @Test
  void aRealStoreBelowIsLeftUnchanged() {
    FakeBackend below = FakeBackend.create();
    below.write(hash, bytes("hello"));
    Backend view = Decorators.readOnly(below);

    assertThatThrownBy(() -> view.put(bytes("other"))).isInstanceOf(ReadOnlyStoreException.class);
    assertThatThrownBy(() -> view.setRef("main", hash)).isInstanceOf(ReadOnlyStoreException.class);

    assertThat(below.objects()).containsOnlyKeys(hash);
    assertThat(below.refs()).isEmpty();
    assertThat(view.read(hash)).hasValue(bytes("hello"));
  }
}
