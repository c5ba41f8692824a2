package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ForwardingBackend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * The base of the built-in decorators: {@link ForwardingBackend} plus the one way they pass on the
 * child's {@link ObjectStreams} ({@link Streams}), which each offers from its {@link #childFeature}
 * hook.
 */
abstract class Decorator extends ForwardingBackend {
  Decorator(String description, Backend child) {
    super(description, child);
  }

  Decorator(String description, Backend child, Set<Capability> capabilities) {
    super(description, child, capabilities);
  }

  /**
   * The child's {@link ObjectStreams} as this decorator passes them on: writes checked as {@code
   * write} is and counted, reads checked as {@code read} is and counted. A decorator overrides
   * {@link #writeChild} or {@link #openChild} where it changes what passes.
   */
  class Streams implements ObjectStreams {
    final ObjectStreams child;

    Streams(ObjectStreams child) {
      this.child = requireNonNull(child, "child");
    }

    @Override
    public long maxObjectSize() {
      return child.maxObjectSize();
    }

    @Override
    public final Hash write(InputStream in, long length) throws IOException {
      requireNonNull(in, "in");
      checkObjectWrite("write");
      PassingInput counted = PassingInput.counted(in, length);
      Hash hash = writeChild(counted, length);
      recordWrite(counted.count());
      return hash;
    }

    @Override
    public final Optional<ObjectReader> open(Hash hash) {
      checkObjectRead("open", hash);
      Optional<ObjectReader> reader = openChild(hash);
      reader.ifPresent(r -> recordRead(r.size()));
      return reader;
    }

    /** The streamed write, once checked; its bytes are counted as they pass. */
    Hash writeChild(InputStream in, long length) throws IOException {
      return child.write(in, length);
    }

    /** The reader of {@code hash}, once checked. */
    Optional<ObjectReader> openChild(Hash hash) {
      return child.open(hash);
    }
  }
}
