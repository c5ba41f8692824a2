package dev.cairn.decorators;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/** Opens {@code layered(upper=…, lower=…)}; see {@link LayeredStore}. */
@AutoService(StoreFactory.class)
public final class LayeredFactory implements StoreFactory {
  /** The role of the store that takes every write. */
  public static final String UPPER = "upper";

  /** The role of the store read when the upper lacks an object or ref. */
  public static final String LOWER = "lower";

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public LayeredFactory() {}

  @Override
  public String name() {
    return "layered";
  }

  @Override
  public Shape shape() {
    return Shape.COMBINATOR;
  }

  @Override
  public List<String> roles() {
    return List.of(UPPER, LOWER);
  }

  @Override
  public String description() {
    return "Reads the upper store then the lower; writes and ref updates go to the upper.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of();
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return Decorators.layered(
        Roles.required(spec, children, UPPER), Roles.required(spec, children, LOWER));
  }
}
