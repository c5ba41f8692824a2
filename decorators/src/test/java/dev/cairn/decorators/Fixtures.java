package dev.cairn.decorators;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

/** Shared test data and mocks. */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static Hash hashOf(String text) {
    return HashAlgorithm.SHA256.hash(bytes(text));
  }

  /** A mocked child store: SHA-256, writable, persistent; every other call answers nothing. */
  static Backend mockChild() {
    Backend child = mock(Backend.class);
    when(child.hashAlgorithm()).thenReturn(HashAlgorithm.SHA256);
    when(child.capabilities())
        .thenReturn(
            EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS, Capability.PERSISTENT));
    when(child.toString()).thenReturn("mock:");
    return child;
  }
}
