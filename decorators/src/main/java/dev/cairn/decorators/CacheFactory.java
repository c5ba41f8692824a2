package dev.cairn.decorators;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/**
 * Opens {@code cache(capacity=N):child} and {@code cache(max-bytes=B):child}; see {@link
 * Decorators#cache}. A cache is bounded either by entries or by bytes: giving both options is an
 * error; giving neither bounds it by {@value #DEFAULT_CAPACITY} entries, the seed's default.
 */
@AutoService(StoreFactory.class)
public final class CacheFactory implements StoreFactory {
  /** The number of objects a cache holds when no bound is given. */
  public static final long DEFAULT_CAPACITY = 100_000;

  private static final StoreOption<Long> CAPACITY =
      StoreOption.number(
          "capacity",
          DEFAULT_CAPACITY,
          1,
          Long.MAX_VALUE,
          "the most objects the cache holds; not together with max-bytes");
  private static final StoreOption<Long> MAX_BYTES =
      StoreOption.size(
          "max-bytes",
          0,
          0,
          Long.MAX_VALUE,
          "bound the cache by the objects' total payload bytes instead of their number;"
              + " 0 bounds by capacity");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public CacheFactory() {}

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public Shape shape() {
    return Shape.DECORATOR;
  }

  @Override
  public String description() {
    return "Keeps recently read and written objects in memory (Caffeine), by count or by bytes.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(CAPACITY, MAX_BYTES);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreConfigurationException if both {@code capacity} and a non-zero {@code max-bytes}
   *     are given, or either value is malformed
   */
  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    long maxBytes = spec.get(MAX_BYTES);
    long capacity = spec.get(CAPACITY);
    Backend child = Roles.required(spec, children, StoreSpec.CHILD);
    if (maxBytes == 0) {
      return Decorators.cache(child, capacity);
    }
    if (spec.options().containsKey(CAPACITY.name())) {
      throw new StoreConfigurationException(
          String.format(
              "'cache' is bounded by capacity=%s or by max-bytes=%s, not both; remove one",
              spec.options().get(CAPACITY.name()), spec.options().get(MAX_BYTES.name())));
    }
    return Decorators.cacheByBytes(child, maxBytes);
  }
}
