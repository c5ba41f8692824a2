package dev.cairn.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the postmaster while threads write batches: they get one-line errors meanwhile, the
 * same store (not reopened) works again once the server is restarted, and every batch that was
 * acknowledged is there whole.
 */
class PostmasterCrashIT {
  @Test
  void theStoreRecoversWithoutReopeningAndLosesNothingAcknowledged() throws Exception {
    String schema = TestServer.freshSchema();
    List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger afterRestart = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM)) {
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Thread writer =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    int b = next.getAndIncrement();
                    try {
                      store.writeBatch(Child.batch("crash", b));
                      acknowledged.add(b);
                      if (restarted.get()) {
                        afterRestart.incrementAndGet();
                      }
                    } catch (StoreIOException e) {
                      errors.add(e.getMessage());
                      sleep(50);
                    }
                  }
                });
        writer.start();
        writers.add(writer);
      }
      Thread.sleep(1000);
      int before = acknowledged.size();
      ProcessHandle.of(TestServer.postmasterPid()).orElseThrow().destroyForcibly();
      Thread.sleep(1500);
      restart();
      restarted.set(true);
      long deadline = System.currentTimeMillis() + 60_000;
      while (afterRestart.get() < 5 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      stop.set(true);
      for (Thread writer : writers) {
        writer.join(60_000);
      }
      assertThat(before).as("batches acknowledged before the crash").isPositive();
      assertThat(afterRestart.get())
          .as("batches acknowledged after the restart")
          .isEqualTo(Math.max(5, afterRestart.get()));
      assertThat(errors).as("errors while the server was down").isNotEmpty();
      assertThat(errors)
          .allSatisfy(
              message -> {
                assertThat(message)
                    .doesNotContain("\n")
                    .startsWith(store.toString() + ": writeBatch");
              });
      for (int b : new ArrayList<>(acknowledged)) {
        for (Hash hash : Child.batch("crash", b).keySet()) {
          assertThat(store.exists(hash)).as("acknowledged batch %d", b).isTrue();
        }
      }
      System.out.println(
          "kill -9 of the postmaster: "
              + acknowledged.size()
              + " batches acknowledged, all present; "
              + errors.size()
              + " errors meanwhile, e.g. "
              + errors.get(0));
    }
  }

  /**
   * Starts the crashed cluster again (the script waits until it accepts connections, crash recovery
   * included), retrying while its orphaned backends still hold the shared memory.
   */
  private static void restart() throws Exception {
    long deadline = System.currentTimeMillis() + 240_000;
    while (true) {
      try {
        TestServer.script("restart");
        return;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
