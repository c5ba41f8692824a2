package dev.cairn.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreFactory.Shape;
import dev.cairn.spi.StoreOption;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RegistrationTest {
  private final List<StoreFactory> factories =
      ServiceLoader.load(StoreFactory.class, RegistrationTest.class.getClassLoader()).stream()
          .map(ServiceLoader.Provider::get)
          .filter(f -> f.getClass().getPackageName().equals("dev.cairn.decorators"))
          .collect(Collectors.toList());

  @Test
  void serviceLoaderFindsEveryDecorator() {
    assertThat(factories)
        .extracting(StoreFactory::name, StoreFactory::shape, StoreFactory::roles)
        .containsExactlyInAnyOrder(
            tuple("cache", Shape.DECORATOR, List.of()),
            tuple("read-only", Shape.DECORATOR, List.of()),
            tuple("stats", Shape.DECORATOR, List.of()),
            tuple("verify", Shape.DECORATOR, List.of()),
            tuple("layered", Shape.COMBINATOR, List.of("upper", "lower")));
  }

  @Test
  void everyFactoryDescribesItselfAndItsOptions() {
    for (StoreFactory factory : factories) {
      assertThat(factory.description()).as(factory.name()).endsWith(".");
      assertThat(factory.sensitiveOptions()).as(factory.name()).isEmpty();
    }
    StoreFactory cache =
        factories.stream().filter(f -> f.name().equals("cache")).findFirst().orElseThrow();
    assertThat(cache.options())
        .extracting(StoreOption::name)
        .containsExactly("capacity", "max-bytes");
    assertThat(cache.options().get(0).defaultValue().map(Object.class::cast)).contains(100_000L);
  }
}
