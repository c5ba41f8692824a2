package dev.cairn.decorators;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/** Opens {@code read-only:child}; see {@link Decorators#readOnly}. */
@AutoService(StoreFactory.class)
public final class ReadOnlyFactory implements StoreFactory {
  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ReadOnlyFactory() {}

  @Override
  public String name() {
    return "read-only";
  }

  @Override
  public Shape shape() {
    return Shape.DECORATOR;
  }

  @Override
  public String description() {
    return "Rejects every write and ref update; reads, flush and close pass through.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of();
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return Decorators.readOnly(Roles.required(spec, children, StoreSpec.CHILD));
  }
}
