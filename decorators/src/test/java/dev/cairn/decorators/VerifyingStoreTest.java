package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.bytes;
import static dev.cairn.decorators.Fixtures.hashOf;
import static dev.cairn.decorators.Fixtures.mockChild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashMismatchException;
import dev.cairn.testkit.FakeBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class VerifyingStoreTest {
  private final Backend child = mockChild();
  private final Backend store = Decorators.verify(child);
  private final Hash hash = hashOf("hello");

  @BeforeEach
  void forgetConstruction() {
    clearInvocations(child);
  }

  @Test
  void returnsBytesThatMatchTheirHash() {
    when(child.read(hash)).thenReturn(Optional.of(bytes("hello")));

    assertThat(store.read(hash)).hasValue(bytes("hello"));
  }

  @Test
  void neverReturnsBytesThatDoNotMatch() {
    when(child.read(hash)).thenReturn(Optional.of(bytes("jello")));

    assertThatThrownBy(() -> store.read(hash))
        .isInstanceOfSatisfying(
            HashMismatchException.class,
            e -> {
              assertThat(e.expected()).isEqualTo(hash);
              assertThat(e.actual()).isEqualTo(hashOf("jello"));
            })
        .hasMessageContaining(hash.toHex());
  }

  @Test
  void anAbsentObjectIsStillAbsent() {
    assertThat(store.read(hash)).isEmpty();
  }

  @Test
  void aWriteWithTheWrongHashNeverReachesTheChild() {
    assertThatThrownBy(() -> store.write(hash, bytes("jello")))
        .isInstanceOf(HashMismatchException.class)
        .hasMessageContaining(hash.toHex());

    verifyNoInteractions(child);
  }

  @Test
  void aBatchWithOneWrongHashNeverReachesTheChild() {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    batch.put(hashOf("a"), bytes("a"));
    batch.put(hash, bytes("jello"));
    batch.put(hashOf("b"), bytes("b"));

    assertThatThrownBy(() -> store.writeBatch(batch)).isInstanceOf(HashMismatchException.class);

    verifyNoInteractions(child);
  }

  @Test
  void aGoodWriteReachesTheChildWithTheCheckedBytes() {
    byte[] data = bytes("hello");
    store.write(hash, data);

    ArgumentCaptor<byte[]> passed = ArgumentCaptor.forClass(byte[].class);
    verify(child).write(eq(hash), passed.capture());
    assertThat(passed.getValue()).isEqualTo(bytes("hello")).isNotSameAs(data);
  }

  @Test
  void aGoodBatchReachesTheChild() {
    store.writeBatch(Map.of(hash, bytes("hello"), hashOf("b"), bytes("b")));

    verify(child).writeBatch(any());
  }

  @Test
  void putHashesAndWrites() {
    assertThat(store.put(bytes("hello"))).isEqualTo(hash);

    verify(child).write(eq(hash), any());
  }

  @Test
  void aCorruptObjectBelowIsReportedThroughARealStore() {
    FakeBackend below = FakeBackend.create();
    below.damage(hash, bytes("jello"));
    Backend verified = Decorators.verify(below);

    assertThatThrownBy(() -> verified.read(hash)).isInstanceOf(HashMismatchException.class);
    assertThat(verified.exists(hash)).isTrue();
  }
}
