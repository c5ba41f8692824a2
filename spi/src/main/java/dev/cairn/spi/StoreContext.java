package dev.cairn.spi;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the host offers every store it builds. Shared by all stores of a host; thread-safe. New
 * methods arrive as default methods, so implementations written today keep compiling.
 */
public interface StoreContext {
  /** The hash algorithms available, built-in and provided. */
  HashAlgorithms hashAlgorithms();

  /**
   * The algorithm called {@code name}.
   *
   * @throws StoreConfigurationException naming the known algorithms if there is none
   */
  default HashAlgorithm hashAlgorithm(String name) {
    try {
      return hashAlgorithms().get(name);
    } catch (IllegalArgumentException e) {
      throw new StoreConfigurationException(String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * The file system in which stores resolve the locations of their specs, as in {@code
   * context.fileSystem().getPath(location)}: the default file system, unless the host gives another
   * one (tests give a fault-injecting one, which sees every file operation of a stack). Stores
   * open, rename, sync and delete their files only through paths of this file system (never through
   * {@link java.nio.file.Path#toFile()}), so that what they do can be observed.
   */
  default FileSystem fileSystem() {
    return FileSystems.getDefault();
  }

  /**
   * The directory that the locator of a {@code storeType} spec names, in {@link #fileSystem()}. A
   * locator with a {@code ..} component is refused: a spec from a configuration file or a command
   * line must not climb out of the directory it appears to name.
   *
   * @throws StoreConfigurationException quoting the locator if it is not a path of that file system
   *     or has a {@code ..} component
   */
  default Path directory(String storeType, String locator) {
    Path directory;
    try {
      directory = fileSystem().getPath(locator);
    } catch (InvalidPathException e) {
      // The exception's own message repeats the input raw (a NUL, a newline): say it quoted.
      throw new StoreConfigurationException(
          String.format(
              "'%s' locator %s is not a path: %s%s",
              storeType,
              Quote.of(locator),
              e.getReason(),
              e.getIndex() < 0 ? "" : " at " + e.getIndex()),
          e);
    }
    for (Path part : directory) {
      if (part.toString().equals("..")) {
        throw new StoreConfigurationException(
            String.format(
                "'%s' locator %s has a '..' component; name the directory without it",
                storeType, Quote.of(locator)));
      }
    }
    return directory;
  }

  /**
   * Whether a store that does not exist yet may be created by this open (true unless the host says
   * otherwise). A host opening a stack only to read (a command that lists, prints or checks)
   * answers false, and a persistent store then fails with {@link StoreConfigurationException}
   * naming where it looked rather than leave a new, empty store behind. Stores that have nothing to
   * create ignore it.
   */
  default boolean createsMissingStores() {
    return true;
  }

  /** The wall clock, for timestamps. */
  default Clock clock() {
    return Clock.systemUTC();
  }

  /** A monotonic time source in nanoseconds, for durations (as {@link System#nanoTime()}). */
  default long nanoTime() {
    return System.nanoTime();
  }

  /**
   * An executor for a store's background work (syncing, compaction). Shared: a store must not shut
   * it down, and must cancel its own tasks when it closes.
   */
  ScheduledExecutorService scheduler();

  /**
   * A context for code that runs without a host: the algorithms the SPI's class loader finds, the
   * system clock and a shared scheduler of daemon threads.
   */
  static StoreContext standard() {
    return StandardContext.INSTANCE;
  }
}
