package dev.cairn.stack;

import dev.cairn.spi.HashAlgorithms;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import java.nio.file.FileSystem;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The one {@link StoreContext} of a host: the hash algorithms its class loader provides, and the
 * clock, time source and scheduler of its {@link CairnConfiguration}. Thread-safe.
 */
@Singleton
final class HostContext implements StoreContext {
  private final HashAlgorithms hashAlgorithms;
  private final CairnConfiguration configuration;

  /**
   * Loads the hash algorithms {@code classLoader} provides.
   *
   * @throws StoreConfigurationException naming both classes if two algorithms share a name
   */
  @Inject
  HostContext(ClassLoader classLoader, CairnConfiguration configuration) {
    try {
      this.hashAlgorithms = HashAlgorithms.load(classLoader);
    } catch (IllegalStateException e) {
      throw new StoreConfigurationException(String.valueOf(e.getMessage()), e);
    }
    this.configuration = configuration;
  }

  @Override
  public HashAlgorithms hashAlgorithms() {
    return hashAlgorithms;
  }

  @Override
  public FileSystem fileSystem() {
    return configuration.fileSystem();
  }

  @Override
  public boolean createsMissingStores() {
    return configuration.createsMissingStores();
  }

  @Override
  public Clock clock() {
    return configuration.clock();
  }

  @Override
  public long nanoTime() {
    return configuration.nanoTime().getAsLong();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return configuration.scheduler();
  }

  @Override
  public String toString() {
    return "StoreContext{" + hashAlgorithms + ", " + configuration + "}";
  }
}
