package dev.cairn.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoreSpec;
import dev.cairn.testkit.FakeBackend;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/** Opening a stack: children first, one context, the whole tree closed, clean failures. */
class StacksTest {
  private final List<String> log = Fakes.newLog();

  private Stacks stacks(StoreFactory... extra) {
    Set<StoreFactory> factories = new LinkedHashSet<>(Fakes.stackSpecTypes(log));
    factories.addAll(List.of(extra));
    return Fakes.stacks(factories);
  }

  @Test
  void opensChildrenBeforeTheirParents() {
    try (Backend store =
        stacks().open("cache(capacity=5):layered(upper=memory:, lower=read-only:disk:/x)")) {
      assertThat(log)
          .containsExactly(
              "open memory:",
              "open disk:/x",
              "open read-only:disk:/x",
              "open layered(upper=memory:, lower=read-only:disk:/x)",
              "open cache(capacity=5):layered(upper=memory:, lower=read-only:disk:/x)");
      assertThat(store)
          .hasToString("cache(capacity=5):layered(upper=memory:, lower=read-only:disk:/x)");
    }
  }

  @Test
  void closingTheRootClosesEveryStoreOnce() {
    Backend store = stacks().open("stats:layered(upper=memory:, lower=disk:/x)");
    log.clear();

    store.close();
    store.close();

    assertThat(log)
        .containsExactlyInAnyOrder(
            "close stats:layered(upper=memory:, lower=disk:/x)",
            "close layered(upper=memory:, lower=disk:/x)",
            "close memory:",
            "close disk:/x");
    assertThat(log.get(0)).isEqualTo("close stats:layered(upper=memory:, lower=disk:/x)");
    assertThatThrownBy(() -> store.listRefs()).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void closingTheRootClosesChildrenItsFactoryForgot() {
    Fakes.Factory leaky =
        new Fakes.Factory("leaky", StoreFactory.Shape.DECORATOR, List.of(), List.of(), log) {
          @Override
          public Backend create(
              StoreSpec spec, Map<String, Backend> children, StoreContext context) {
            log.add("open " + spec);
            return Fakes.store(spec, Map.of(), context, log).build();
          }
        };
    Backend store = stacks(leaky).open("leaky:memory:");
    log.clear();

    store.close();

    assertThat(log).containsExactly("close leaky:memory:", "close memory:");
  }

  @Test
  void aFailingStoreClosesEverythingOpenedBeforeIt() {
    StoreIOException failure = Fakes.ioFailure("cannot open broken:");
    Stacks stacks =
        stacks(new Fakes.Failing("broken", StoreFactory.Shape.LEAF, List.of(), log, failure));

    assertThatThrownBy(
            () -> stacks.open("cache:layered(upper=stats:memory:, lower=read-only:broken:)"))
        .isSameAs(failure);
    assertThat(log)
        .containsExactly(
            "open memory:",
            "open stats:memory:",
            "fail broken:",
            "close stats:memory:",
            "close memory:");
  }

  @Test
  void aFailingParentClosesItsOpenedChildren() {
    StoreConfigurationException failure = new StoreConfigurationException("no room");
    Stacks stacks =
        stacks(new Fakes.Failing("picky", StoreFactory.Shape.DECORATOR, List.of(), log, failure));

    assertThatThrownBy(() -> stacks.open("picky:disk:/x"))
        .isInstanceOf(StackSpecException.class)
        .hasCause(failure);
    assertThat(log).containsExactly("open disk:/x", "fail picky:disk:/x", "close disk:/x");
  }

  @Test
  void aFactorysConfigurationErrorNamesTheStoreAndItsPositionInTheSpec() {
    StoreConfigurationException failure =
        new StoreConfigurationException("unknown hash algorithm 'md5'; known: sha1, sha256");
    Stacks stacks =
        stacks(new Fakes.Failing("picky", StoreFactory.Shape.LEAF, List.of(), log, failure));

    assertThatThrownBy(() -> stacks.open("cache:layered(upper=memory:, lower=picky:/x)"))
        .isInstanceOf(StackSpecException.class)
        .hasMessage(
            "'picky' at 35 in \"cache:layered(upper=memory:, lower=picky:/x)\": "
                + "unknown hash algorithm 'md5'; known: sha1, sha256")
        .hasCause(failure);
    assertThat(log).contains("close memory:");
  }

  /** A refusal of its own kind, such as a store locked by another process. */
  static final class Refusal extends StoreConfigurationException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message);
    }
  }

  @Test
  void aFactorysRefusalOfItsOwnKindKeepsItsTypeSoCallersCanCatchIt() {
    Refusal failure = new Refusal("store picky:/x is locked by another process");
    Stacks stacks =
        stacks(new Fakes.Failing("picky", StoreFactory.Shape.LEAF, List.of(), log, failure));

    assertThatThrownBy(() -> stacks.open("cache:layered(upper=memory:, lower=picky:/x)"))
        .isSameAs(failure);
    assertThat(log).contains("close memory:");
  }

  @Test
  void aFailureToCloseDuringCleanupIsSuppressedNotLost() {
    RuntimeException closeFailure = new IllegalStateException("stuck");
    Fakes.Factory stuck =
        new Fakes.Factory("stuck", StoreFactory.Shape.LEAF, List.of(), List.of(), log) {
          @Override
          public Backend create(
              StoreSpec spec, Map<String, Backend> children, StoreContext context) {
            return Fakes.store(spec, children, context, log)
                .onClose(
                    () -> {
                      throw closeFailure;
                    })
                .build();
          }
        };
    StoreIOException failure = Fakes.ioFailure("cannot open broken:");
    Stacks stacks =
        stacks(
            stuck, new Fakes.Failing("broken", StoreFactory.Shape.LEAF, List.of(), log, failure));

    assertThatThrownBy(() -> stacks.open("layered(upper=stuck:, lower=broken:)"))
        .isSameAs(failure)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(closeFailure));
  }

  @Test
  void aFactoryThatThrowsSomethingElseIsNamedInAConfigurationError() {
    Stacks stacks =
        stacks(
            new Fakes.Failing(
                "odd",
                StoreFactory.Shape.LEAF,
                List.of(),
                log,
                new IllegalArgumentException("boom")));

    assertThatThrownBy(() -> stacks.open("odd:/x"))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessage(
            "dev.cairn.stack.Fakes$Failing (test-classes) failed to open odd:/x:"
                + " java.lang.IllegalArgumentException: boom")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFactoryThatReturnsNoStoreIsAnError() {
    Fakes.Factory nothing =
        new Fakes.Factory("nothing", StoreFactory.Shape.LEAF, List.of(), List.of(), log) {
          @Override
          public Backend create(
              StoreSpec spec, Map<String, Backend> children, StoreContext context) {
            return null;
          }
        };

    assertThatThrownBy(() -> stacks(nothing).open("cache:nothing:"))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("returned no store for nothing:");
  }

  @Test
  void aBadSpecOpensNothing() {
    assertThatThrownBy(() -> stacks().open("cache:layered(upper=memory:, lower=dsik:/x)"))
        .isInstanceOf(StackSpecException.class);
    assertThat(log).isEmpty();
  }

  @Test
  void theRootForwardsToTheTopStore() {
    try (Backend store = stacks().open("cache:memory:")) {
      var hash = store.put(new byte[] {7});
      store.setRef("main", hash);

      FakeBackend top = store.feature(FakeBackend.class).orElseThrow();
      assertThat(Fakes.opened(top).spec().name()).isEqualTo("cache");
      assertThat(top.read(hash)).hasValue(new byte[] {7});
      assertThat(store.exists(hash)).isTrue();
      assertThat(store.getRef("main")).hasValue(hash);
      assertThat(store.listRefs()).containsExactly("main");
      assertThat(store.testAndSetRef("main", hash, null)).isTrue();
      assertThat(store.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA256);
      assertThat(store.capabilities()).isEqualTo(top.capabilities());
      assertThat(store.stats()).isEqualTo(top.stats());
    }
  }

  @Test
  void daggerGivesEveryStoreTheOneContextOfTheConfiguration() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1);
    try {
      TestStackComponent component =
          DaggerTestStackComponent.factory()
              .create(
                  getClass().getClassLoader(),
                  CairnConfiguration.builder()
                      .clock(clock)
                      .scheduler(scheduler)
                      .nanoTime(() -> 42)
                      .build(),
                  log);

      try (Backend store =
          component.stacks().open("cache(capacity=3):layered(upper=memory:, lower=memory:)")) {
        Fakes.Opened top = store.feature(Fakes.Opened.class).orElseThrow();
        Fakes.Opened layered = Fakes.opened(top.children().get(StoreSpec.CHILD));
        StoreContext context = component.storeContext();
        assertThat(top.context())
            .isSameAs(context)
            .isSameAs(layered.context())
            .isSameAs(Fakes.opened(layered.children().get("upper")).context());
        assertThat(context.clock()).isSameAs(clock);
        assertThat(context.scheduler()).isSameAs(scheduler);
        assertThat(context.nanoTime()).isEqualTo(42);
        assertThat(context.hashAlgorithm("sha1")).isEqualTo(HashAlgorithm.SHA1);
      }
      assertThatThrownBy(() -> component.stacks().open("disk:/x"))
          .hasMessage(
              "unknown store type 'disk' at 0 in \"disk:/x\"; known: cache, layered,"
                  + " memory; a provider failed to load: com.acme.Broken could not be"
                  + " instantiated");
    } finally {
      scheduler.shutdownNow();
    }
  }
}
