package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.bytes;
import static dev.cairn.decorators.Fixtures.hashOf;
import static dev.cairn.decorators.Fixtures.mockChild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.ForwardingBackend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.InvalidRefNameException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every decorator inherits from the forwarding base, checked for each of them. */
class ForwardingBackendTest {
  /** A feature interface a child might offer, such as compaction. */
  interface Compaction {
    void compact();
  }

  /** The decorators built on the forwarding base. */
  static Stream<Function<Backend, Backend>> forwarding() {
    return decorators().limit(5);
  }

  static Stream<Function<Backend, Backend>> decorators() {
    return Stream.of(
        child -> Decorators.cache(child, 10),
        child -> Decorators.cacheByBytes(child, 1 << 20),
        Decorators::readOnly,
        Decorators::stats,
        Decorators::verify,
        child -> Decorators.layered(child, mockChild()));
  }

  @Test
  void statsAndVerifyForwardAFeatureOfTheChild() {
    for (Function<Backend, Backend> decorate :
        List.<Function<Backend, Backend>>of(Decorators::stats, Decorators::verify)) {
      Backend child = mockChild();
      Compaction compaction = () -> {};
      when(child.feature(Compaction.class)).thenReturn(Optional.of(compaction));

      Backend store = decorate.apply(child);

      assertThat(store.feature(Compaction.class)).containsSame(compaction);
      assertThat(store.feature(Backend.class)).containsSame(store);
    }
  }

  @Test
  void cacheAndReadOnlyRefuseAFeatureTheyCannotVouchForInsteadOfHidingIt() {
    Map<Function<Backend, Backend>, Class<? extends RuntimeException>> refusals =
        Map.of(
            child -> Decorators.cache(child, 10),
            StoreConfigurationException.class,
            Decorators::readOnly,
            ReadOnlyStoreException.class);
    refusals.forEach(
        (decorate, refusal) -> {
          Backend child = mockChild();
          when(child.feature(Compaction.class))
              .thenReturn(
                  Optional.of(
                      () -> {
                        throw new AssertionError("the child's feature was reached");
                      }));

          Backend store = decorate.apply(child);
          Compaction refused = store.feature(Compaction.class).orElseThrow();

          assertThatThrownBy(refused::compact)
              .isInstanceOf(refusal)
              .hasMessageContaining(store.toString())
              .hasMessageContaining("compact");
          assertThat(refused.toString()).contains("refused Compaction of " + store);
          assertThat(refused).isEqualTo(refused).hasSameHashCodeAs(refused);
        });
  }

  @Test
  void aFeatureTheChildLacksIsNotOffered() {
    assertThat(Decorators.stats(mockChild()).feature(Compaction.class)).isEmpty();
    assertThat(Decorators.cache(mockChild(), 10).feature(Compaction.class)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("forwarding")
  void aClosedDecoratorOffersNoFeature(Function<Backend, Backend> decorate) {
    Backend store = decorate.apply(mockChild());
    store.close();
    assertThatThrownBy(() -> store.feature(Compaction.class))
        .isInstanceOf(StoreClosedException.class);
  }

  /** A decorator of a plugin, on the public base: it states its policy in the one hook. */
  static final class PluginDecorator extends ForwardingBackend {
    PluginDecorator(Backend child) {
      super("plugin:" + child, child);
    }

    @Override
    protected <T> T childFeature(Class<T> type, T feature) {
      return feature;
    }
  }

  @Test
  void aPluginDecoratorIsAFewLinesOnThePublicBase() {
    Backend child = mockChild();
    Hash a = hashOf("a");
    when(child.read(a)).thenReturn(Optional.of(bytes("a")));
    Compaction compaction = () -> {};
    when(child.feature(Compaction.class)).thenReturn(Optional.of(compaction));

    try (Backend store = new PluginDecorator(child)) {
      assertThat(store.read(a)).hasValue(bytes("a"));
      assertThat(store.feature(Compaction.class)).containsSame(compaction);
      assertThat(store.toString()).startsWith("plugin:");
    }
    verify(child).close();
  }

  @ParameterizedTest
  @MethodSource("decorators")
  void closingClosesTheChildOnce(Function<Backend, Backend> decorate) {
    Backend child = mockChild();
    Backend store = decorate.apply(child);

    store.close();
    store.close();

    verify(child, times(1)).close();
    assertThatThrownBy(() -> store.read(hashOf("a"))).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.listRefs()).isInstanceOf(StoreClosedException.class);
  }

  @ParameterizedTest
  @MethodSource("decorators")
  void badArgumentsNeverReachTheChild(Function<Backend, Backend> decorate) {
    Backend child = mockChild();
    Backend store = decorate.apply(child);
    clearInvocations(child);
    Hash sha1 = HashAlgorithm.SHA1.hash(bytes("a"));

    assertThatThrownBy(() -> store.read(sha1)).isInstanceOf(HashAlgorithmMismatchException.class);
    assertThatThrownBy(() -> store.exists(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.getRef("../escape")).isInstanceOf(InvalidRefNameException.class);
    verifyNoInteractions(child);
  }

  @ParameterizedTest
  @MethodSource("decorators")
  void usesTheChildsAlgorithm(Function<Backend, Backend> decorate) {
    assertThat(decorate.apply(mockChild()).hashAlgorithm()).isEqualTo(HashAlgorithm.SHA256);
  }

  @Test
  void forwardsEveryOperationUnchanged() {
    Backend child = mockChild();
    Backend store = Decorators.readOnly(child);
    Hash a = hashOf("a");
    when(child.read(a)).thenReturn(Optional.of(bytes("a")));
    when(child.exists(a)).thenReturn(true);
    when(child.getRef("main")).thenReturn(Optional.of(a));
    when(child.listRefs()).thenReturn(List.of("main"));

    assertThat(store.read(a)).hasValue(bytes("a"));
    assertThat(store.exists(a)).isTrue();
    assertThat(store.getRef("main")).hasValue(a);
    assertThat(store.listRefs()).containsExactly("main");
    store.flush();

    verify(child).flush();
    verify(child, times(0)).write(any(), any());
    verify(child, times(0)).writeBatch(Map.of());
  }
}
