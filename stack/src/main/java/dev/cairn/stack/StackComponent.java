package dev.cairn.stack;

import dagger.BindsInstance;
import dagger.Component;
import javax.inject.Singleton;

/**
 * The host side of Cairn, wired by Dagger: the factories {@link java.util.ServiceLoader} finds
 * through one class loader, the {@link Registry} over them, one {@link dev.cairn.spi.StoreContext},
 * and {@link Stacks}, which opens specs with them.
 */
@Singleton
@Component(modules = {StackModule.class, ServiceLoaderModule.class})
interface StackComponent {
  Stacks stacks();

  /** Creates the component for one class loader and configuration. */
  @Component.Factory
  interface Factory {
    StackComponent create(
        @BindsInstance ClassLoader classLoader, @BindsInstance CairnConfiguration configuration);
  }
}
