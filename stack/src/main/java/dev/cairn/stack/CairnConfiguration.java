package dev.cairn.stack;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.StoreContext;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What a host gives the stores it opens, besides the class loader that finds them: the wall clock,
 * the monotonic time source, the executor for background work and the file system in which stores
 * resolve their paths. Immutable and thread-safe; build one with {@link #builder()}, or take {@link
 * #defaults()}.
 *
 * <p>The scheduler is the host's: stores never shut it down, and Cairn does not either. A host that
 * passes its own shuts it down after closing every store opened with it.
 */
public final class CairnConfiguration {
  private static final CairnConfiguration DEFAULTS = builder().build();

  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService scheduler;
  private final FileSystem fileSystem;
  private final boolean createsMissingStores;

  private CairnConfiguration(Builder builder) {
    this.clock = builder.clock;
    this.nanoTime = builder.nanoTime;
    this.scheduler = builder.scheduler;
    this.fileSystem = builder.fileSystem;
    this.createsMissingStores = builder.createsMissingStores;
  }

  /**
   * The system UTC clock, {@link System#nanoTime()}, and the shared daemon scheduler of {@link
   * StoreContext#standard()}.
   */
  public static CairnConfiguration defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The wall clock stores use for timestamps. */
  public Clock clock() {
    return clock;
  }

  /** The monotonic time source, in nanoseconds, stores use for durations. */
  public LongSupplier nanoTime() {
    return nanoTime;
  }

  /** The executor for stores' background work. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The file system in which stores resolve the paths of their specs. */
  public FileSystem fileSystem() {
    return fileSystem;
  }

  /**
   * Whether stores that do not exist yet are created; see {@link
   * StoreContext#createsMissingStores()}.
   */
  public boolean createsMissingStores() {
    return createsMissingStores;
  }

  @Override
  public String toString() {
    return "CairnConfiguration{clock="
        + clock
        + ", scheduler="
        + scheduler
        + (fileSystem == FileSystems.getDefault() ? "" : ", fileSystem=" + fileSystem)
        + (createsMissingStores ? "" : ", no new stores")
        + "}";
  }

  /** Builds a {@link CairnConfiguration}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private ScheduledExecutorService scheduler = StoreContext.standard().scheduler();
    private FileSystem fileSystem = FileSystems.getDefault();
    private boolean createsMissingStores = true;

    private Builder() {}

    /** Sets the wall clock. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the monotonic time source (for tests: a fake ticker). */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Sets the executor for background work; it stays the caller's to shut down. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the file system in which stores resolve the paths of their specs (the default file
     * system unless set; tests set a fault-injecting one). It stays the caller's to close.
     */
    public Builder fileSystem(FileSystem fileSystem) {
      this.fileSystem = requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    /**
     * Sets whether stores that do not exist yet are created (default true); a host that opens a
     * stack only to read sets false. See {@link StoreContext#createsMissingStores()}.
     */
    public Builder createsMissingStores(boolean createsMissingStores) {
      this.createsMissingStores = createsMissingStores;
      return this;
    }

    /** The configuration. */
    public CairnConfiguration build() {
      return new CairnConfiguration(this);
    }
  }
}
