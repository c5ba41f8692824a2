package dev.cairn.disk;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.HashAlgorithm;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to open a {@link DiskBackend}. Immutable; built with {@link #builder()}.
 *
 * <p>Defaults: {@link Fsync#ALWAYS}, segments of {@value #DEFAULT_SEGMENT_SIZE} bytes, the store's
 * own hash algorithm (SHA-256 for a new store), no re-hashing on read, read-write.
 */
public final class DiskOptions {
  /**
   * The default segment size, 128 MiB: large enough that a store of millions of objects has few
   * segments (each absent lookup probes one Bloom filter per segment), small enough that recovery
   * after a crash scans at most this much.
   */
  public static final long DEFAULT_SEGMENT_SIZE = 128L << 20;

  /** The smallest segment size accepted. */
  public static final long MIN_SEGMENT_SIZE = 4096;

  /** The largest segment size accepted: offsets in an index are 32-bit. */
  public static final long MAX_SEGMENT_SIZE = 1L << 30;

  /** When writes reach stable storage. */
  public enum Fsync {
    /** Every write, batch and ref change is durable when it returns (group commit). */
    ALWAYS,
    /** Batches and ref changes are durable when they return; single writes on {@code flush}. */
    BATCH,
    /** The operating system decides; {@code flush} and {@code close} sync. */
    NEVER,
  }

  private final Fsync fsync;
  private final long segmentSize;
  private final @Nullable HashAlgorithm hashAlgorithm;
  private final boolean verify;
  private final boolean readOnly;
  private final boolean create;

  private DiskOptions(Builder b) {
    this.fsync = b.fsync;
    this.segmentSize = b.segmentSize;
    this.hashAlgorithm = b.hashAlgorithm;
    this.verify = b.verify;
    this.readOnly = b.readOnly;
    this.create = b.create;
  }

  /** The defaults. */
  public static DiskOptions defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.fsync = fsync;
    b.segmentSize = segmentSize;
    b.hashAlgorithm = hashAlgorithm;
    b.verify = verify;
    b.readOnly = readOnly;
    b.create = create;
    return b;
  }

  /** When writes reach stable storage. */
  public Fsync fsync() {
    return fsync;
  }

  /** The size at which the active segment is sealed and a new one started. */
  public long segmentSize() {
    return segmentSize;
  }

  /**
   * The algorithm asked for: a new store is created with it, an existing store must match it. Empty
   * means "the store's own, or SHA-256 for a new store".
   */
  public Optional<HashAlgorithm> hashAlgorithm() {
    return Optional.ofNullable(hashAlgorithm);
  }

  /** Whether reads re-hash each object besides checking its record checksum. */
  public boolean verify() {
    return verify;
  }

  /** Whether the store is opened read-only, beside a possible writer. */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Whether a read-write open creates the store when there is none (the default). Either way a
   * store is created only in a missing or empty directory, never among files that are not a
   * store's.
   */
  public boolean create() {
    return create;
  }

  @Override
  public String toString() {
    return "fsync="
        + fsync.name().toLowerCase(java.util.Locale.ROOT)
        + "&segment-size="
        + segmentSize
        + hashAlgorithm().map(a -> "&hash=" + a.name()).orElse("")
        + "&verify="
        + verify
        + "&mode="
        + (readOnly ? "read-only" : "read-write");
  }

  /** Builds {@link DiskOptions}. Not thread-safe. */
  public static final class Builder {
    private Fsync fsync = Fsync.ALWAYS;
    private long segmentSize = DEFAULT_SEGMENT_SIZE;
    private @Nullable HashAlgorithm hashAlgorithm;
    private boolean verify;
    private boolean readOnly;
    private boolean create = true;

    private Builder() {}

    /** Sets when writes reach stable storage. */
    public Builder fsync(Fsync fsync) {
      this.fsync = requireNonNull(fsync, "fsync");
      return this;
    }

    /**
     * Sets the segment size.
     *
     * @throws IllegalArgumentException if it is outside [{@value #MIN_SEGMENT_SIZE}, {@value
     *     #MAX_SEGMENT_SIZE}]
     */
    public Builder segmentSize(long bytes) {
      if (bytes < MIN_SEGMENT_SIZE || bytes > MAX_SEGMENT_SIZE) {
        throw new IllegalArgumentException(
            String.format(
                "segment size (%d) must be from %d to %d",
                bytes, MIN_SEGMENT_SIZE, MAX_SEGMENT_SIZE));
      }
      this.segmentSize = bytes;
      return this;
    }

    /** Sets the algorithm to create the store with or to expect; null means the store's own. */
    public Builder hashAlgorithm(HashAlgorithm algorithm) {
      this.hashAlgorithm = algorithm;
      return this;
    }

    /** Sets whether reads re-hash objects. */
    public Builder verify(boolean verify) {
      this.verify = verify;
      return this;
    }

    /** Sets whether to open read-only. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** Sets whether a read-write open creates a missing store (default true). */
    public Builder create(boolean create) {
      this.create = create;
      return this;
    }

    /** The options. */
    public DiskOptions build() {
      return new DiskOptions(this);
    }
  }
}
