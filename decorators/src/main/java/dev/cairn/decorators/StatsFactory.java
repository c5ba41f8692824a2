package dev.cairn.decorators;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/**
 * Opens {@code stats:child}; see {@link Decorators#stats}. Durations are measured with the host's
 * {@link StoreContext#nanoTime()}.
 */
@AutoService(StoreFactory.class)
public final class StatsFactory implements StoreFactory {
  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public StatsFactory() {}

  @Override
  public String name() {
    return "stats";
  }

  @Override
  public Shape shape() {
    return Shape.DECORATOR;
  }

  @Override
  public String description() {
    return "Counts reads, writes, bytes and cache hits, and times every operation.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of();
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return new StatsStore(Roles.required(spec, children, StoreSpec.CHILD), context::nanoTime);
  }
}
