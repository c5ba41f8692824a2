package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Turns an object's bytes into the hashes of the objects it references, so that garbage collection
 * can tell reachable objects from garbage (see {@link GarbageCollection}).
 *
 * <p>Implementations are immutable, thread-safe and identified by {@link #name()}. {@code none}
 * (every object is a leaf) is built in; others, such as {@code git} in the git module, are found
 * with {@link ServiceLoader} as providers of this interface.
 */
public interface LinkExtractor {
  /** The name used in options and on the command line, e.g. {@code "git"}: lowercase. */
  String name();

  /**
   * The hashes {@code data}, the bytes of the object {@code hash}, references, in the order they
   * appear (duplicates allowed). The result is the caller's.
   *
   * @param hash the object's hash, for messages
   * @param data the object's bytes; not modified and not retained
   * @param algorithm the store's hash algorithm: referenced hashes are of this algorithm
   * @throws MalformedObjectException if {@code data} is not in the format this extractor reads
   */
  List<Hash> links(Hash hash, byte[] data, HashAlgorithm algorithm);

  /**
   * Calls {@code visitor} with each link of {@link #links}, in the same order, saying whether the
   * format tells that the linked object has no links of its own (a Git tree knows which entries are
   * blobs): a collector marks such a leaf without reading it. The default reports every link as
   * possibly having links.
   *
   * @throws MalformedObjectException as {@link #links} does; links before the problem may have been
   *     visited
   */
  default void forEachLink(Hash hash, byte[] data, HashAlgorithm algorithm, LinkVisitor visitor) {
    requireNonNull(visitor, "visitor");
    for (Hash link : links(hash, data, algorithm)) {
      visitor.link(link, false);
    }
  }

  /** Receives the links of an object; see {@link #forEachLink}. */
  @FunctionalInterface
  interface LinkVisitor {
    /**
     * One link.
     *
     * @param target the linked object's hash
     * @param leaf true if the linked object is known to have no links
     */
    void link(Hash target, boolean leaf);
  }

  /** The extractor that finds no link: every object is a leaf, only roots are reachable. */
  static LinkExtractor none() {
    return NoLinks.INSTANCE;
  }

  /**
   * The extractor called {@code name}: {@code none}, or one that {@link ServiceLoader} finds with
   * the class loader of this interface or the current thread's context class loader.
   *
   * @throws IllegalArgumentException naming the extractors known if none is called {@code name}
   */
  static LinkExtractor forName(String name) {
    requireNonNull(name, "name");
    Map<String, LinkExtractor> known = available();
    LinkExtractor found = known.get(name);
    if (found == null) {
      throw new IllegalArgumentException(
          String.format("no link extractor called %s; known: %s", Quote.of(name), known.keySet()));
    }
    return found;
  }

  /** Every extractor known, by name: {@code none} and those {@link ServiceLoader} finds. */
  static Map<String, LinkExtractor> available() {
    Map<String, LinkExtractor> known = new TreeMap<>();
    known.put(NoLinks.INSTANCE.name(), NoLinks.INSTANCE);
    ClassLoader own = LinkExtractor.class.getClassLoader();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    for (ClassLoader loader :
        context == null || context == own ? List.of(own) : List.of(own, context)) {
      for (LinkExtractor extractor : ServiceLoader.load(LinkExtractor.class, loader)) {
        known.putIfAbsent(extractor.name(), extractor);
      }
    }
    return known;
  }
}
