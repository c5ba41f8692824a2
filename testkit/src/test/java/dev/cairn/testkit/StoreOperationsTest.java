package dev.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.FlawedBackend.Flaw;
import org.junit.jupiter.api.Test;

/**
 * The model check of objects and refs together passes the unflawed store and fails one whose
 * batches drop an object (its results are held against the model, not merely run).
 */
class StoreOperationsTest {
  @Test
  void passesTheUnflawedStore() {
    StoreOperations.modelCheck(
        () -> new FlawedBackend(HashAlgorithm.SHA256, Flaw.NONE, false), 10, 20);
  }

  @Test
  void catchesABatchThatDropsAnObject() {
    assertThatThrownBy(
            () ->
                StoreOperations.modelCheck(
                    () -> new FlawedBackend(HashAlgorithm.SHA256, Flaw.BATCH_DROPS_LAST, false),
                    20,
                    10))
        .isInstanceOf(AssertionError.class);
  }
}
