package dev.cairn.decorators;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The marks of one garbage collection of a layered store: the set of live hashes, filled by
 * the collector from the roots and by the write barrier from what writers write and the refs
 * they move, which trace on the writer's own thread. Every hash in the set has been traced or
 * is being traced by the thread that added it, so once every tracing thread has returned, the
 * set is closed under links (links to absent objects are counted as missing).
 *
 * <p>Thread-safe. An error on a writer's thread is not thrown to the writer (its write is
 * unaffected) but kept, and the collector stops before removing anything.
 */
final class Marking {
  private final Backend upper;
  private final Backend lower;
  private final HashAlgorithm algorithm;
  private final LinkExtractor links;
  private final MarkSet marked;
  private final AtomicLong missing = new AtomicLong();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  Marking(Backend upper, Backend lower, LinkExtractor links) {
    this.upper = upper;
    this.lower = lower;
    this.algorithm = upper.hashAlgorithm();
    this.links = links;
    this.marked = new MarkSet(algorithm);
  }

  /** Marks {@code root} and what it reaches; errors are thrown (the collector's thread). */
  void trace(Hash root) {
    if (marked.add(root)) {
      walk(root);
    }
  }

  /** The barrier for an object about to be written: it and what it links to are live. */
  void written(Hash hash, byte[] data) {
    try {
      marked.add(hash);
      for (Hash link : links.links(hash, data, algorithm)) {
        trace(link);
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** The barrier for a ref about to point at {@code target}: it and what it reaches are live. */
  void refMoved(Hash target) {
    try {
      trace(target);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  boolean isMarked(Hash hash) {
    return marked.contains(hash);
  }

  int markedCount() {
    return marked.size();
  }

  long missingCount() {
    return missing.get();
  }

  /** Throws the first error a writer's tracing met, if any. */
  void checkBarrier() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Depth-first over raw digests: a chain of a million commits must not cost a Hash each. */
  private void walk(Hash start) {
    int digest = algorithm.digestLength();
    byte[] stack = new byte[digest * 64];
    int depth = 0;
    start.copyTo(stack, 0);
    depth++;
    while (depth > 0) {
      depth--;
      Hash hash = Hash.of(algorithm, stack, depth * digest, digest);
      Optional<byte[]> data = upper.read(hash);
      if (data.isEmpty()) {
        data = lower.read(hash);
      }
      if (data.isEmpty()) {
        missing.incrementAndGet();
        continue;
      }
      for (Hash link : links.links(hash, data.get(), algorithm)) {
        if (marked.add(link)) {
          if ((depth + 1) * digest > stack.length) {
            stack = Arrays.copyOf(stack, stack.length * 2);
          }
          link.copyTo(stack, depth * digest);
          depth++;
        }
      }
    }
  }
}
