package dev.cairn.stack;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.Multibinds;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import java.util.Set;

/**
 * The bindings every host has, whatever finds its factories: the (possibly empty) sets of factories
 * and failed providers, and the one {@link StoreContext}. Paired with {@link ServiceLoaderModule}
 * in production and with a module of fakes in tests.
 */
@Module
abstract class StackModule {
  private StackModule() {}

  /** The store factories; empty unless a module contributes some. */
  @Multibinds
  abstract Set<StoreFactory> storeFactories();

  /** Providers that were found but could not be loaded. */
  @Multibinds
  abstract Set<ProviderFailure> providerFailures();

  @Binds
  abstract StoreContext storeContext(HostContext context);
}
