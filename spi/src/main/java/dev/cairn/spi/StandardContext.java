package dev.cairn.spi;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@link StoreContext} of code without a host. */
final class StandardContext implements StoreContext {
  static final StandardContext INSTANCE = new StandardContext();

  private static final class Scheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      AtomicInteger count = new AtomicInteger();
      return Executors.newScheduledThreadPool(
          1,
          task -> {
            Thread thread = new Thread(task, "cairn-scheduler-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
    }
  }

  private StandardContext() {}

  @Override
  public HashAlgorithms hashAlgorithms() {
    return HashAlgorithms.standard();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return Scheduler.INSTANCE;
  }

  @Override
  public String toString() {
    return "StoreContext.standard()";
  }
}
