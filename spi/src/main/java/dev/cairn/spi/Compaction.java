package dev.cairn.spi;

import java.util.function.Predicate;

/**
 * A store feature (see {@link Backend#feature(Class)}): rewriting the store so that it keeps only
 * the objects a caller still needs, reclaiming the space of the others. Refs are not affected.
 *
 * <p>Crash-safe: after a crash at any point the store holds either its old set of objects or its
 * new one, and every object that {@code keep} accepted is readable. An object written by a call
 * that began after {@code compact} was called is kept whatever {@code keep} says; one written by a
 * call still running when {@code compact} was called may be offered to {@code keep} (a collector
 * should accept what was written since it started marking). Readers are never blocked and never see
 * an object disappear that {@code keep} accepted.
 */
public interface Compaction {
  /**
   * Rewrites the store keeping exactly the objects accepted by {@code keep} (plus those written
   * after this call began), then releases the space of the rest once no reader uses it. Calls of
   * this method are serialized.
   *
   * @param keep decides, for each stored object, whether it stays; called on the calling thread, at
   *     most once per stored copy
   * @return what the compaction did
   * @throws StoreIOException if writing fails; the store is then unchanged
   * @throws CorruptionException if an object to examine is damaged; the store is unchanged
   */
  Result compact(Predicate<? super Hash> keep);

  /**
   * What one compaction did.
   *
   * @param kept objects kept
   * @param dropped objects dropped (copies count separately)
   * @param bytesBefore bytes of the store's object files before
   * @param bytesAfter bytes of the store's object files after
   */
  record Result(long kept, long dropped, long bytesBefore, long bytesAfter) {}
}
