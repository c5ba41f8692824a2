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
 * The marks of one garbage collection of a layered store: the set of live hashes, filled by the
 * collector from the roots and by the write barrier from what writers write and the refs they move,
 * which trace on the writer's own thread. Every hash in the set has been traced or is being traced
 * by the thread that added it, so once every tracing thread has returned, the set is closed under
 * links (links to absent objects are counted as missing).
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
      links.forEachLink(
          hash,
          data,
          algorithm,
          (link, leaf) -> {
            if (leaf) {
              marked.add(link);
            } else {
              trace(link);
            }
          });
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /**
   * The barrier for a streamed object whose input has ended but whose bytes are not at hand, before
   * the store makes it visible: it is live. What it links to is traced by {@link #streamStored}
   * once it is stored.
   */
  void streamEnded(Hash hash) {
    marked.add(hash);
  }

  /**
   * Traces the links of a streamed object {@link #streamEnded} marked, now that it is stored,
   * reading it as the collector reads whatever it traces. Errors are kept as for {@link #written}.
   */
  void streamStored(Hash hash) {
    if (links == LinkExtractor.none()) {
      return;
    }
    try {
      walk(hash);
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

  /**
   * Depth-first over raw digests: a chain of a million commits must not cost a Hash each. Links the
   * extractor knows to be leaves are marked without being read.
   */
  private void walk(Hash start) {
    DigestStack stack = new DigestStack(algorithm.digestLength());
    stack.push(start);
    while (!stack.isEmpty()) {
      Hash hash = stack.pop(algorithm);
      Optional<byte[]> data = upper.read(hash);
      if (data.isEmpty()) {
        data = lower.read(hash);
      }
      if (data.isEmpty()) {
        missing.incrementAndGet();
        continue;
      }
      links.forEachLink(
          hash,
          data.get(),
          algorithm,
          (link, leaf) -> {
            if (marked.add(link) && !leaf) {
              stack.push(link);
            }
          });
    }
  }

  /** A growable stack of digests in one array. Not thread-safe. */
  private static final class DigestStack {
    private final int digest;
    private byte[] bytes;
    private int depth;

    DigestStack(int digest) {
      this.digest = digest;
      this.bytes = new byte[digest * 64];
    }

    void push(Hash hash) {
      if ((depth + 1) * digest > bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      hash.copyTo(bytes, depth * digest);
      depth++;
    }

    Hash pop(HashAlgorithm algorithm) {
      depth--;
      return Hash.of(algorithm, bytes, depth * digest, digest);
    }

    boolean isEmpty() {
      return depth == 0;
    }
  }
}
