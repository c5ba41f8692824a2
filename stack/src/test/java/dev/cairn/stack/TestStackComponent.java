package dev.cairn.stack;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import java.util.List;
import javax.inject.Singleton;

/**
 * The production graph with the {@link ServiceLoaderModule} swapped for fakes contributed {@link
 * IntoSet}, as a host's tests would do.
 */
@Singleton
@Component(modules = {StackModule.class, TestStackComponent.FakeStoreTypes.class})
interface TestStackComponent {
  Stacks stacks();

  StoreContext storeContext();

  @Component.Factory
  interface Factory {
    TestStackComponent create(
        @BindsInstance ClassLoader classLoader,
        @BindsInstance CairnConfiguration configuration,
        @BindsInstance List<String> log);
  }

  /** A leaf, a decorator and a combinator, logging to the component's log. */
  @Module
  final class FakeStoreTypes {
    private FakeStoreTypes() {}

    @Provides
    @IntoSet
    static StoreFactory memory(List<String> log) {
      return Fakes.leaf("memory", log);
    }

    @Provides
    @IntoSet
    static StoreFactory cache(List<String> log) {
      return Fakes.decorator(
          "cache", log, dev.cairn.spi.StoreOption.number("capacity", 10, 1, 100, "Entries kept."));
    }

    @Provides
    @IntoSet
    static StoreFactory layered(List<String> log) {
      return Fakes.combinator("layered", List.of("upper", "lower"), log);
    }

    @Provides
    @IntoSet
    static ProviderFailure broken() {
      return new ProviderFailure("com.acme.Broken could not be instantiated");
    }
  }
}
