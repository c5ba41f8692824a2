package dev.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.FlawedBackend.Flaw;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The suite is only worth something if it fails broken stores: run it against a store with each
 * {@link Flaw} and expect failures, and against the unflawed store and expect none.
 */
class SuiteCatchesFlawsTest {
  /** Flaws that only a store accepting writes can show. */
  private static final Set<Flaw> WRITABLE_ONLY =
      EnumSet.of(
          Flaw.CAS_NOT_ATOMIC,
          Flaw.CAS_IGNORES_EXPECTED,
          Flaw.DELETE_IGNORED,
          Flaw.KEEPS_CALLER_ARRAY,
          Flaw.BATCH_DROPS_LAST);

  /** Flaws that only a read-only store can show. */
  private static final Set<Flaw> READ_ONLY_ONLY = EnumSet.of(Flaw.WRITES_WHEN_READ_ONLY);

  static volatile Flaw flaw;
  static volatile boolean readOnly;

  /** The suite as a backend author would write it, over the flawed store. */
  static class FlawedSuite extends ConformanceSuite {
    @Override
    protected Backend open(Seed seed) {
      return new FlawedBackend(seed.algorithm(), flaw, readOnly).load(seed);
    }
  }

  /** The same, for stores of SHA-1 hashes. */
  static class FlawedSha1Suite extends FlawedSuite {
    @Override
    protected HashAlgorithm hashAlgorithm() {
      return HashAlgorithm.SHA1;
    }
  }

  static volatile FlawedFileStore.Flaw fileFlaw;

  /** A file-per-object store's test as its author would write it, over the flawed store. */
  static class FlawedFileSuite extends ConformanceSuite {
    @TempDir Path root;
    private final AtomicInteger stores = new AtomicInteger();
    private final Map<Backend, Path> directories =
        Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    protected Backend open(Seed seed) {
      return seed.writeTo(
          openIn(root.resolve("store-" + stores.incrementAndGet()), seed.algorithm()));
    }

    @Override
    protected Backend openIn(Path directory, HashAlgorithm algorithm) {
      Backend store = FlawedFileStore.open(directory, algorithm, fileFlaw);
      directories.put(store, directory);
      return store;
    }

    @Override
    protected Backend reopen(Backend closed) {
      return openIn(directories.get(closed), closed.hashAlgorithm());
    }
  }

  /**
   * The same without the slowest tests, which no flaw of the file store needs (Lincheck, the CAS
   * counter, 8 writers, 16 MiB objects: a minute on a loaded machine): a flaw that turns this red
   * turns the whole suite red.
   */
  static class QuickFileSuite extends FlawedFileSuite {
    @Override
    boolean runs(String topic, String name) {
      return !name.contains("Lincheck")
          && !name.contains("incrementing")
          && !name.contains("threads writing")
          && !name.contains(" 16777216 bytes");
    }
  }

  /** The suite over the flawed file store, asking for Lincheck's model check of its refs. */
  static class ModelCheckedFileSuite extends FlawedFileSuite {
    @Override
    protected boolean refsModelCheckable() {
      return true;
    }

    @Override
    boolean runs(String topic, String name) {
      return name.contains("model check");
    }
  }

  /**
   * The flawed store as a remote store's test declares it ({@link ConformanceSuite#remote()}): in
   * the CI budget its refs are raced by threads, not stress-tested by Lincheck.
   */
  static class RemoteSuite extends FlawedSuite {
    @Override
    protected boolean remote() {
      return true;
    }

    @Override
    protected boolean refsModelCheckable() {
      return false;
    }
  }

  private static TestExecutionSummary run(Class<?> suite) {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(suite)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    return listener.getSummary();
  }

  @ParameterizedTest
  @EnumSource(value = Flaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void theSuiteFailsAWritableStoreWithFlaw(Flaw tested) {
    if (READ_ONLY_ONLY.contains(tested)) {
      return; // a writable store is meant to write; covered by the read-only test below
    }
    flaw = tested;
    readOnly = false;
    TestExecutionSummary summary = run(FlawedSuite.class);
    assertThat(summary.getTotalFailureCount()).as("failures for %s", tested).isPositive();
  }

  @ParameterizedTest
  @EnumSource(value = Flaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void theSuiteFailsAReadOnlyStoreWithFlaw(Flaw tested) {
    if (WRITABLE_ONLY.contains(tested)) {
      return; // a read-only store never reaches the flawed code; covered by the test above
    }
    flaw = tested;
    readOnly = true;
    TestExecutionSummary summary = run(FlawedSuite.class);
    assertThat(summary.getTotalFailureCount()).as("failures for %s", tested).isPositive();
  }

  @ParameterizedTest
  @EnumSource(value = FlawedFileStore.Flaw.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void theSuiteFailsAFileStoreWithFlaw(FlawedFileStore.Flaw tested) {
    fileFlaw = tested;
    TestExecutionSummary summary = run(QuickFileSuite.class);
    summary
        .getFailures()
        .forEach(
            failure ->
                System.out.println(
                    "caught " + tested + ": " + failure.getTestIdentifier().getDisplayName()));
    assertThat(summary.getTotalFailureCount()).as("failures for %s", tested).isPositive();
  }

  /**
   * A remote store's whole suite in the CI budget (fewer writes in the 8-writer race, no Lincheck
   * stress tests) stays red for every flaw of ref and batch atomicity.
   */
  @ParameterizedTest
  @EnumSource(
      value = Flaw.class,
      names = {"CAS_NOT_ATOMIC", "CAS_IGNORES_EXPECTED", "DELETE_IGNORED", "BATCH_DROPS_LAST"})
  void aRemoteStoresSuiteFailsAStoreWithFlaw(Flaw tested) {
    flaw = tested;
    readOnly = false;
    TestExecutionSummary summary = run(RemoteSuite.class);
    assertThat(summary.getTotalFailureCount()).as("failures for %s", tested).isPositive();
  }

  @Test
  void aRemoteStoresSuitePassesTheUnflawedStore() {
    flaw = Flaw.NONE;
    readOnly = false;
    TestExecutionSummary summary = run(RemoteSuite.class);
    assertThat(summary.getFailures())
        .extracting(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException())
        .isEmpty();
    assertThat(summary.getTestsSucceededCount()).isGreaterThan(10);
  }

  @Test
  void theSuitePassesTheUnflawedFileStore() {
    fileFlaw = FlawedFileStore.Flaw.NONE;
    TestExecutionSummary summary = run(FlawedFileSuite.class);
    assertThat(summary.getFailures())
        .extracting(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException())
        .isEmpty();
    assertThat(summary.getTestsSucceededCount()).isGreaterThan(50);
  }

  @Test
  void aModelCheckMeetingFileIoSaysWhatToOverride() {
    fileFlaw = FlawedFileStore.Flaw.NONE;
    TestExecutionSummary summary = run(ModelCheckedFileSuite.class);
    assertThat(summary.getFailures())
        .singleElement()
        .satisfies(
            failure ->
                assertThat(failure.getException())
                    .hasMessageContaining(
                        "override refsModelCheckable() in "
                            + ModelCheckedFileSuite.class.getName()
                            + " to return false"));
  }

  @ParameterizedTest
  @EnumSource(value = Flaw.class, names = "NONE")
  void theSuitePassesTheUnflawedStore(Flaw none) {
    flaw = none;
    for (boolean ro : new boolean[] {false, true}) {
      readOnly = ro;
      for (Class<?> suite : new Class<?>[] {FlawedSuite.class, FlawedSha1Suite.class}) {
        TestExecutionSummary summary = run(suite);
        assertThat(summary.getFailures())
            .as("%s read-only=%s", suite.getSimpleName(), ro)
            .isEmpty();
        assertThat(summary.getTestsSucceededCount()).isGreaterThan(10);
      }
    }
  }
}
