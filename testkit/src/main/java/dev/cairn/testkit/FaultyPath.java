package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.jspecify.annotations.Nullable;

/** A path of a {@link FaultyFileSystem}: a path of the default file system, seen through it. */
final class FaultyPath implements Path {
  private final FaultyFileSystem fileSystem;
  private final Path real;

  FaultyPath(FaultyFileSystem fileSystem, Path real) {
    this.fileSystem = fileSystem;
    this.real = requireNonNull(real, "real");
  }

  /** The path of the default file system this one stands for. */
  Path real() {
    return real;
  }

  private Path wrap(Path path) {
    return new FaultyPath(fileSystem, path);
  }

  private @Nullable Path wrapOrNull(@Nullable Path path) {
    return path == null ? null : wrap(path);
  }

  private Path unwrap(Path other) {
    requireNonNull(other, "other");
    if (!(other instanceof FaultyPath) || ((FaultyPath) other).fileSystem != fileSystem) {
      throw new ProviderMismatchException("not a path of " + fileSystem + ": " + other);
    }
    return ((FaultyPath) other).real;
  }

  @Override
  public FaultyFileSystem getFileSystem() {
    return fileSystem;
  }

  @Override
  public boolean isAbsolute() {
    return real.isAbsolute();
  }

  @Override
  public @Nullable Path getRoot() {
    return wrapOrNull(real.getRoot());
  }

  @Override
  public @Nullable Path getFileName() {
    return wrapOrNull(real.getFileName());
  }

  @Override
  public @Nullable Path getParent() {
    return wrapOrNull(real.getParent());
  }

  @Override
  public int getNameCount() {
    return real.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return wrap(real.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return wrap(real.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return other instanceof FaultyPath
        && ((FaultyPath) other).fileSystem == fileSystem
        && real.startsWith(((FaultyPath) other).real);
  }

  @Override
  public boolean endsWith(Path other) {
    return other instanceof FaultyPath
        && ((FaultyPath) other).fileSystem == fileSystem
        && real.endsWith(((FaultyPath) other).real);
  }

  @Override
  public Path normalize() {
    return wrap(real.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return wrap(real.resolve(unwrap(other)));
  }

  @Override
  public Path resolve(String other) {
    return wrap(real.resolve(other));
  }

  @Override
  public Path relativize(Path other) {
    return wrap(real.relativize(unwrap(other)));
  }

  @Override
  public URI toUri() {
    try {
      return new URI(FaultyProvider.SCHEME, null, real.toAbsolutePath().toString(), null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no URI for " + real, e);
    }
  }

  @Override
  public Path toAbsolutePath() {
    return wrap(real.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    return wrap(real.toRealPath(options));
  }

  /** Watching is not offered: the stores under test do not watch directories. */
  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("a FaultyFileSystem does not watch directories");
  }

  @Override
  public int compareTo(Path other) {
    return real.compareTo(unwrap(other));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FaultyPath
        && ((FaultyPath) other).fileSystem == fileSystem
        && ((FaultyPath) other).real.equals(real);
  }

  @Override
  public int hashCode() {
    return real.hashCode();
  }

  @Override
  public String toString() {
    return real.toString();
  }
}
