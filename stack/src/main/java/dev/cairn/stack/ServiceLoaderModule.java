package dev.cairn.stack;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dev.cairn.spi.StoreFactory;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import javax.inject.Singleton;

/**
 * Contributes the {@link StoreFactory} providers that {@link ServiceLoader} finds through the
 * host's class loader (bound explicitly, never the thread's context loader), and remembers each
 * provider that fails to load instead of dropping it.
 */
@Module
final class ServiceLoaderModule {
  /**
   * A loader whose errors keep repeating is broken as a whole (an unreadable configuration file);
   * stop rather than loop.
   */
  static final int MAX_CONSECUTIVE_FAILURES = 100;

  private ServiceLoaderModule() {}

  /** What one scan of the class loader found. */
  static final class Scan {
    final Set<StoreFactory> factories;
    final Set<ProviderFailure> failures;

    Scan(Set<StoreFactory> factories, Set<ProviderFailure> failures) {
      this.factories = Collections.unmodifiableSet(factories);
      this.failures = Collections.unmodifiableSet(failures);
    }
  }

  @Provides
  @Singleton
  static Scan scan(ClassLoader classLoader) {
    Set<StoreFactory> factories = new LinkedHashSet<>();
    Set<ProviderFailure> failures = new LinkedHashSet<>();
    Iterator<StoreFactory> providers =
        ServiceLoader.load(StoreFactory.class, classLoader).iterator();
    int consecutive = 0;
    while (true) {
      try {
        if (!providers.hasNext()) {
          break;
        }
        factories.add(providers.next());
        consecutive = 0;
      } catch (ServiceConfigurationError | LinkageError e) {
        // ServiceLoader moves past a provider that fails; the next call finds the next one.
        failures.add(ProviderFailure.of(e));
        if (++consecutive >= MAX_CONSECUTIVE_FAILURES) {
          failures.add(
              new ProviderFailure("stopped looking after " + consecutive + " failures in a row"));
          break;
        }
      }
    }
    return new Scan(factories, failures);
  }

  @Provides
  @ElementsIntoSet
  static Set<StoreFactory> discoveredFactories(Scan scan) {
    return scan.factories;
  }

  @Provides
  @ElementsIntoSet
  static Set<ProviderFailure> failedProviders(Scan scan) {
    return scan.failures;
  }
}
