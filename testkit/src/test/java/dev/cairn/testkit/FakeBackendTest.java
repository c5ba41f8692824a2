package dev.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The strict fake keeps the contract, refuses what a careless caller does, and is steerable. */
class FakeBackendTest {
  /** It is a store: the whole suite passes. */
  @Nested
  class Conformance extends ConformanceSuite {
    @Override
    protected Backend open(Seed seed) {
      return seed.writeTo(FakeBackend.builder().algorithm(seed.algorithm()).build());
    }
  }

  /** A read-only fake holding the seed passes the read-only half of the suite. */
  @Nested
  class ReadOnlyConformance extends ConformanceSuite {
    @Override
    protected Backend open(Seed seed) {
      return FakeBackend.builder()
          .algorithm(seed.algorithm())
          .capabilities(Set.of())
          .holding(seed)
          .build();
    }

    @Override
    protected HashAlgorithm hashAlgorithm() {
      return HashAlgorithm.SHA1;
    }
  }

  @Test
  void refusesAWriteUnderAHashThatIsNotTheHashOfItsBytes() {
    try (FakeBackend fake = FakeBackend.create()) {
      Hash other = HashAlgorithm.SHA256.hash(new byte[] {2});
      assertThatThrownBy(() -> fake.write(other, new byte[] {1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("write of 1 bytes under " + other + ", but they hash to ");
      assertThatThrownBy(() -> fake.writeBatch(java.util.Map.of(other, new byte[] {1})))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(fake.objects()).isEmpty();
    }
  }

  @Test
  void recordsEveryOperationInOrderAndItsClose() {
    AtomicBoolean closedHook = new AtomicBoolean();
    FakeBackend fake = FakeBackend.builder().onClose(() -> closedHook.set(true)).build();
    Hash hash = fake.put(new byte[] {7});
    fake.setRef("refs/heads/main", hash);
    fake.read(hash);
    fake.close();
    assertThat(fake.operations())
        .containsExactly("write " + hash, "setRef refs/heads/main", "read " + hash, "close");
    assertThat(fake.closed()).isTrue();
    assertThat(closedHook).isTrue();
    assertThat(fake.refs()).containsEntry("refs/heads/main", hash);
  }

  @Test
  void failsTheNextCallOfAnOperationOnce() {
    try (FakeBackend fake = FakeBackend.create()) {
      StoreIOException failure = new StoreIOException("disk on fire", new IOException("EIO"));
      fake.failNext("read", failure);
      Hash hash = fake.put(new byte[] {1});
      assertThatThrownBy(() -> fake.read(hash)).isSameAs(failure);
      assertThat(fake.read(hash)).isPresent();
    }
  }

  @Test
  void runsAnActionBeforeTheNextCallOfAnOperation() {
    try (FakeBackend fake = FakeBackend.create()) {
      Hash mine = fake.put(new byte[] {1});
      Hash theirs = fake.put(new byte[] {2});
      fake.beforeNext("testAndSetRef", () -> fake.setRef("refs/heads/main", theirs));
      assertThat(fake.testAndSetRef("refs/heads/main", null, mine)).isFalse();
      assertThat(fake.getRef("refs/heads/main")).contains(theirs);
      assertThat(fake.testAndSetRef("refs/heads/main", theirs, mine)).isTrue();
    }
  }

  @Test
  void aReadOnlyFakeRefusesWritesAndServesWhatItHolds() {
    Seed.Builder seed = Seed.builder(HashAlgorithm.SHA256);
    Hash hash = seed.object(new byte[] {3});
    try (FakeBackend fake =
        FakeBackend.builder().capabilities(Set.of()).holding(seed.build()).build()) {
      assertThatThrownBy(() -> fake.put(new byte[] {4})).isInstanceOf(ReadOnlyStoreException.class);
      assertThat(fake.read(hash)).isPresent();
      assertThat(fake.operations()).isEqualTo(List.of("read " + hash));
    }
  }

  @Test
  void losesAnObjectItHoldsAndRefusesToLoseOneItDoesNot() {
    try (FakeBackend fake = FakeBackend.create()) {
      Hash kept = fake.put(new byte[] {1});
      Hash lost = fake.put(new byte[] {2});
      assertThat(fake.lose(lost)).isSameAs(fake);
      assertThat(fake.objects()).containsOnlyKeys(kept);
      assertThat(fake.read(lost)).isEmpty();
      assertThat(fake.operations()).doesNotContain("lose " + lost);
      assertThatThrownBy(() -> fake.lose(lost))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no object " + lost + " in fake: to lose");
      assertThatThrownBy(() -> fake.lose(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("hash");
    }
  }

  @Test
  void offersAFeatureMadeFromTheFakeItself() {
    Seed.Builder seed = Seed.builder(HashAlgorithm.SHA256);
    Hash held = seed.object(new byte[] {5});
    List<FakeBackend> given = new java.util.ArrayList<>();
    FakeBackend fake =
        FakeBackend.builder()
            .holding(seed.build())
            .featureFrom(
                CharSequence.class,
                self -> {
                  given.add(self);
                  return "holds " + self.objects().keySet();
                })
            .build();
    try (fake) {
      assertThat(given).containsExactly(fake);
      assertThat(fake.feature(CharSequence.class)).hasValue("holds [" + held + "]");
      assertThat(fake.feature(CharSequence.class).orElseThrow())
          .isSameAs(fake.feature(CharSequence.class).orElseThrow());
      assertThat(fake.feature(FakeBackend.class)).containsSame(fake);
    }
    assertThatThrownBy(
            () -> FakeBackend.builder().featureFrom(CharSequence.class, self -> null).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the feature java.lang.CharSequence of fake: was made null");
    assertThatThrownBy(() -> FakeBackend.builder().featureFrom(CharSequence.class, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("make");
  }

  @Test
  void theLaterOfTwoFeaturesOfOneTypeWins() {
    try (FakeBackend fake =
        FakeBackend.builder()
            .feature(CharSequence.class, "first")
            .featureFrom(CharSequence.class, self -> "second")
            .build()) {
      assertThat(fake.feature(CharSequence.class)).hasValue("second");
    }
  }
}
