package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The file {@value #NAME} in a store's directory that records the store's hash algorithm: its name
 * and a newline. A store records it when it is created, so that a store created with {@code
 * hash=sha1} opens as SHA-1 again, and a later open that asks for another algorithm is refused
 * instead of writing objects under names of two algorithms.
 */
public final class HashAlgorithmFile {
  /** The file's name in the store's directory. */
  public static final String NAME = "hash";

  /** No algorithm's name is longer: a longer file is damage, not a name. */
  private static final int MAX_LENGTH = 64;

  private HashAlgorithmFile() {}

  /**
   * The name of the algorithm recorded in {@code directory}, or empty if none is recorded.
   *
   * @throws CorruptionException if the file holds more than a name
   * @throws StoreIOException if the file exists and cannot be read
   */
  public static Optional<String> read(Path directory) {
    Path file = requireNonNull(directory, "directory").resolve(NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreIOException("cannot read the hash algorithm in " + file, e);
    }
    if (bytes.length > MAX_LENGTH) {
      throw new CorruptionException(
          file.toString(),
          MAX_LENGTH,
          "a hash algorithm's name is"
              + " expected, but the file holds "
              + bytes.length
              + " bytes");
    }
    return Optional.of(new String(bytes, StandardCharsets.UTF_8).strip());
  }

  /**
   * Records {@code algorithm} in {@code directory}, atomically and durably; does nothing if it is
   * recorded already.
   *
   * @throws StoreIOException if the file cannot be written
   */
  public static void record(Path directory, HashAlgorithm algorithm) {
    Path file = requireNonNull(directory, "directory").resolve(NAME);
    if (read(directory).equals(Optional.of(requireNonNull(algorithm, "algorithm").name()))) {
      return;
    }
    try {
      DurableFiles.replace(file, StandardCharsets.UTF_8.encode(algorithm.name() + "\n"));
    } catch (IOException e) {
      throw new StoreIOException("cannot record the hash algorithm in " + file, e);
    }
  }

  /**
   * The algorithm of the store {@code store} in {@code directory}: the one recorded there, else the
   * one {@code asked}, else SHA-256. Records nothing.
   *
   * @param byName the installed algorithms by name, e.g. {@code context::hashAlgorithm}
   * @throws HashAlgorithmMismatchException if the recorded algorithm is not the one asked, or is
   *     not installed
   */
  public static HashAlgorithm choose(
      Path directory,
      String store,
      Optional<String> asked,
      Function<String, HashAlgorithm> byName) {
    requireNonNull(store, "store");
    requireNonNull(asked, "asked");
    requireNonNull(byName, "byName");
    Optional<String> recorded = read(directory);
    if (recorded.isEmpty()) {
      return byName.apply(asked.orElse(HashAlgorithm.SHA256.name()));
    }
    if (asked.isPresent() && !asked.get().equals(recorded.get())) {
      throw new HashAlgorithmMismatchException(
          String.format(
              "%s holds %s hashes (recorded in %s), but hash=%s was asked",
              store, recorded.get(), directory.resolve(NAME), asked.get()));
    }
    try {
      return byName.apply(recorded.get());
    } catch (IllegalArgumentException | StoreConfigurationException e) {
      throw new HashAlgorithmMismatchException(
          String.format(
              "%s holds %s hashes (recorded in" + " %s): %s",
              store, recorded.get(), directory.resolve(NAME), e.getMessage()));
    }
  }
}
