package dev.cairn.stack;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreSpec;
import java.util.List;

/**
 * Opens a tree of stores from one string, a <em>stack spec</em>:
 *
 * <pre>{@code
 * try (Backend store = Cairn.open("cache(capacity=10000):disk:/var/cairn?fsync=batch")) {
 *   Hash hash = store.put(bytes);
 * }
 * }</pre>
 *
 * <p>Store types are found with {@link java.util.ServiceLoader} through an explicit class loader
 * (by default the one that loaded Cairn, never the thread's context loader): any jar that provides
 * a {@link StoreFactory} adds its type. Cairn itself knows no store type.
 *
 * <h2>Grammar</h2>
 *
 * <pre>{@code
 * spec    = term
 * term    = name "(" [ arg *( "," arg ) ] ")" [ ":" [ term / locator ] ]
 *         / name ":" [ term / locator ]
 * arg     = key "=" value            ; value is a nested spec when key is a child role
 * locator = [ path ] [ "?" opt *( "&" opt ) ]
 * opt     = key [ "=" value ]        ; a bare key means key=true
 * name    = a lowercase letter, then 1 to 31 of [a-z0-9-]
 * key     = a lowercase letter, then up to 63 of [a-z0-9-]
 * }</pre>
 *
 * <ul>
 *   <li>A <b>leaf</b> stores data: {@code memory:}, {@code disk:/var/cairn?fsync=always}. Its
 *       options go in the query or in parentheses ({@code disk(fsync=always):/var/cairn}), not both
 *       for one key.
 *   <li>A <b>decorator</b> wraps one store: {@code cache(capacity=100):disk:/var/cairn}, or {@code
 *       stats:read-only:disk:/mnt/snapshot}. {@code a(opts):b} is sugar for a decorator whose child
 *       (role {@value StoreSpec#CHILD}) is {@code b}; a decorator with no child is an error.
 *   <li>A <b>combinator</b> names its stores by role in parentheses, all required: {@code
 *       layered(upper=memory:, lower=disk:/srv/base)}.
 *   <li>After {@code name:} or {@code name(...):}, the rest is a child store only if it starts with
 *       {@code name:} or {@code name(}; otherwise it is a locator. Names have at least two
 *       characters, so {@code disk:C:/data} is a path.
 *   <li>Paths and values are UTF-8 percent-encoded; {@code % ( ) , ? & = #}, white space and
 *       control characters must be encoded ({@code disk:/data/My%20Blobs} is the path {@code
 *       /data/My Blobs}). Each part is decoded exactly once, after the spec has been split.
 *   <li>White space is allowed around {@code ( ) , =} and around the whole spec.
 *   <li>Every option belongs to exactly one store; an option its store does not declare is an error
 *       that names the store in the spec that would accept it.
 * </ul>
 *
 * <p>Parsing is strict, as {@code CaffeineSpec} is: every problem is reported, all at once, in one
 * {@link StackSpecException}, each with its position in the spec, the names known there and the one
 * probably meant. Values of options a factory marks sensitive print as {@code ****} in every
 * message and in {@link StoreSpec#toString()}, which prints the canonical form: {@code
 * parse(spec.toString()).equals(spec)} for every spec without sensitive values.
 *
 * <p>All methods are thread-safe. Each call scans the class loader afresh, so a jar added to a
 * class loader is seen by the next call.
 */
public final class Cairn {
  private Cairn() {}

  /**
   * Opens {@code spec} with the store types the class loader of Cairn provides and {@link
   * CairnConfiguration#defaults()}.
   *
   * @return the root store; closing it closes every store of the stack
   * @throws StackSpecException if the spec is wrong, with every problem it has, or if two factories
   *     claim one store type
   * @throws CairnException what a store raised while opening (every store already opened is closed
   *     first)
   */
  public static Backend open(String spec) {
    return open(spec, defaultClassLoader(), CairnConfiguration.defaults());
  }

  /**
   * Opens {@code spec} with the store types {@code classLoader} provides.
   *
   * @see #open(String)
   */
  public static Backend open(String spec, ClassLoader classLoader) {
    return open(spec, classLoader, CairnConfiguration.defaults());
  }

  /**
   * Opens {@code spec} with the store types the class loader of Cairn provides and the clock, time
   * source and scheduler of {@code configuration}.
   *
   * @see #open(String)
   */
  public static Backend open(String spec, CairnConfiguration configuration) {
    return open(spec, defaultClassLoader(), configuration);
  }

  /**
   * Opens {@code spec} with the store types {@code classLoader} provides and the clock, time source
   * and scheduler of {@code configuration}.
   *
   * @see #open(String)
   */
  public static Backend open(
      String spec, ClassLoader classLoader, CairnConfiguration configuration) {
    requireNonNull(spec, "spec");
    return stacks(classLoader, configuration).open(spec);
  }

  /**
   * Reads and checks {@code spec} without opening anything: the store tree, each node's sensitive
   * options marked.
   *
   * @throws StackSpecException if the spec is wrong, with every problem it has
   */
  public static StoreSpec parse(String spec) {
    return parse(spec, defaultClassLoader());
  }

  /**
   * Reads and checks {@code spec} against the store types {@code classLoader} provides.
   *
   * @see #parse(String)
   */
  public static StoreSpec parse(String spec, ClassLoader classLoader) {
    requireNonNull(spec, "spec");
    return stacks(classLoader, CairnConfiguration.defaults()).parse(spec);
  }

  /**
   * Every store type the class loader of Cairn provides, ordered by name, with its shape, roles,
   * options (type, default, description, sensitivity) and origin.
   *
   * @throws StackSpecException if two factories claim one store type
   */
  public static List<StoreType> storeTypes() {
    return storeTypes(defaultClassLoader());
  }

  /**
   * Every store type {@code classLoader} provides.
   *
   * @see #storeTypes()
   */
  public static List<StoreType> storeTypes(ClassLoader classLoader) {
    return stacks(classLoader, CairnConfiguration.defaults()).storeTypes();
  }

  /**
   * What each {@link StoreFactory} provider that the class loader of Cairn declares but that could
   * not be used reported.
   *
   * @see #failedProviders(ClassLoader)
   */
  public static List<String> failedProviders() {
    return failedProviders(defaultClassLoader());
  }

  /**
   * What each {@link StoreFactory} provider that {@code classLoader} declares but that could not be
   * used reported (a missing class, a constructor that threw, a factory that describes itself
   * wrongly); empty if every provider loaded.
   */
  public static List<String> failedProviders(ClassLoader classLoader) {
    return stacks(classLoader, CairnConfiguration.defaults()).failedProviders();
  }

  private static Stacks stacks(ClassLoader classLoader, CairnConfiguration configuration) {
    requireNonNull(classLoader, "classLoader");
    requireNonNull(configuration, "configuration");
    return DaggerStackComponent.factory().create(classLoader, configuration).stacks();
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader loader = Cairn.class.getClassLoader();
    return loader != null ? loader : ClassLoader.getSystemClassLoader();
  }
}
