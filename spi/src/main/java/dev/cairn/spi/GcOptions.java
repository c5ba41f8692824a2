package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a {@link GarbageCollection} is asked to do. Immutable; the {@code with…} methods return
 * changed copies.
 *
 * @param pinned hashes kept, with what they reach, in addition to what refs reach
 * @param links how to find the links of an object
 * @param mode where the unreachable objects go
 * @param listener called on the collecting thread as each {@link GarbageCollection.Phase} begins
 *     (progress reports, tests); an exception it throws aborts the collection as a crash at that
 *     point would
 */
public record GcOptions(
    Set<Hash> pinned,
    LinkExtractor links,
    GarbageCollection.Mode mode,
    Consumer<GarbageCollection.Phase> listener) {
  /** Checks the components and copies {@code pinned}. */
  public GcOptions {
    pinned = Set.copyOf(requireNonNull(pinned, "pinned"));
    requireNonNull(links, "links");
    requireNonNull(mode, "mode");
    requireNonNull(listener, "listener");
  }

  /** Nothing pinned, every object a leaf ({@link LinkExtractor#none()}), {@code AUTO} mode. */
  public static GcOptions defaults() {
    return new GcOptions(Set.of(), LinkExtractor.none(), GarbageCollection.Mode.AUTO, p -> {});
  }

  /** These options with {@code pinned} as the pinned hashes. */
  public GcOptions withPinned(Collection<Hash> pinned) {
    return new GcOptions(Set.copyOf(requireNonNull(pinned, "pinned")), links, mode, listener);
  }

  /** These options with the link extractor {@code links}. */
  public GcOptions withLinks(LinkExtractor links) {
    return new GcOptions(pinned, links, mode, listener);
  }

  /** These options with {@code mode}. */
  public GcOptions withMode(GarbageCollection.Mode mode) {
    return new GcOptions(pinned, links, mode, listener);
  }

  /** These options with {@code listener} told of each phase. */
  public GcOptions withListener(Consumer<GarbageCollection.Phase> listener) {
    return new GcOptions(pinned, links, mode, listener);
  }
}
