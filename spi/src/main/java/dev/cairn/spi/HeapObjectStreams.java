package dev.cairn.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The fallback of {@link ObjectStreams#of(Backend)} for a store that cannot stream: whole objects
 * through {@link Backend#put} and {@link Backend#read}, so in the heap.
 */
final class HeapObjectStreams implements ObjectStreams {
  /** The largest array the JVM allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final Backend store;

  HeapObjectStreams(Backend store) {
    this.store = store;
  }

  @Override
  public long maxObjectSize() {
    return MAX_ARRAY;
  }

  @Override
  public Hash write(InputStream in, long length) throws IOException {
    java.util.Objects.requireNonNull(in, "in");
    ObjectStreams.checkLength(store.toString(), length, MAX_ARRAY);
    long heap = Runtime.getRuntime().maxMemory();
    if (length > heap) {
      throw new ObjectTooLargeException(
          String.format(
              "%s cannot stream, and an object of %d bytes (%s) does not fit in a heap of at most"
                  + " %s (-Xmx)",
              store, length, ObjectStreams.sizeInWords(length), ObjectStreams.sizeInWords(heap)),
          MAX_ARRAY);
    }
    byte[] data;
    try {
      data =
          length == UNKNOWN_LENGTH ? in.readNBytes((int) MAX_ARRAY) : in.readNBytes((int) length);
    } catch (OutOfMemoryError e) {
      throw new ObjectTooLargeException(
          String.format(
              "%s cannot stream, and the object does not fit in the heap (at most %s, -Xmx)",
              store, ObjectStreams.sizeInWords(heap)),
          MAX_ARRAY);
    }
    if (length == UNKNOWN_LENGTH) {
      if (data.length == MAX_ARRAY && in.read() != -1) {
        throw new ObjectTooLargeException(store.toString(), -1, MAX_ARRAY);
      }
    } else {
      ObjectStreams.checkEnd(in, length, data.length);
    }
    return store.put(data);
  }

  @Override
  public Optional<ObjectReader> open(Hash hash) {
    return store.read(hash).map(bytes -> ObjectReader.of(ByteBuffer.wrap(bytes)));
  }
}
