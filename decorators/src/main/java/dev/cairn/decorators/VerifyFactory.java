package dev.cairn.decorators;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/** Opens {@code verify:child}; see {@link Decorators#verify}. */
@AutoService(StoreFactory.class)
public final class VerifyFactory implements StoreFactory {
  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public VerifyFactory() {}

  @Override
  public String name() {
    return "verify";
  }

  @Override
  public Shape shape() {
    return Shape.DECORATOR;
  }

  @Override
  public String description() {
    return "Re-hashes every object read and written; bytes that do not match are never served.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of();
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return Decorators.verify(Roles.required(spec, children, StoreSpec.CHILD));
  }
}
