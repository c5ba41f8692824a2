package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** {@link LinkExtractor#none()}: every object is a leaf. */
final class NoLinks implements LinkExtractor {
  static final NoLinks INSTANCE = new NoLinks();

  private NoLinks() {}

  @Override
  public String name() {
    return "none";
  }

  @Override
  public List<Hash> links(Hash hash, byte[] data, HashAlgorithm algorithm) {
    requireNonNull(hash, "hash");
    requireNonNull(data, "data");
    requireNonNull(algorithm, "algorithm");
    return List.of();
  }

  @Override
  public String toString() {
    return "none";
  }
}
