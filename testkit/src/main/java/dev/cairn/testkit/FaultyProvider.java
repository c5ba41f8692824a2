package dev.cairn.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of one {@link FaultyFileSystem}: each operation is counted and faulted by the file
 * system, recorded by its {@link PageCache} where a power loss could undo it, then done on the
 * default file system.
 */
final class FaultyProvider extends FileSystemProvider {
  static final String SCHEME = "faulty";

  private final FaultyFileSystem fileSystem;

  FaultyProvider(FaultyFileSystem fileSystem) {
    this.fileSystem = fileSystem;
  }

  Path unwrap(Path path) {
    if (!(path instanceof FaultyPath) || ((FaultyPath) path).getFileSystem() != fileSystem) {
      throw new ProviderMismatchException("not a path of " + fileSystem + ": " + path);
    }
    return ((FaultyPath) path).real();
  }

  @FunctionalInterface
  private interface Io<T> {
    T run() throws IOException;
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** {@link #operation} of what returns nothing. */
  private void action(String verb, Path path, IoAction io) throws IOException {
    operation(
        verb,
        path,
        () -> {
          io.run();
          return Boolean.TRUE;
        });
  }

  private <T> T operation(String verb, Path path, Io<T> io) throws IOException {
    fileSystem.power.readLock().lock();
    try {
      fileSystem.operation(verb, path);
      return io.run();
    } finally {
      fileSystem.power.readLock().unlock();
    }
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** Faulty file systems are made by {@link FaultyFileSystem#create}, not by URI. */
  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException(
        "make a faulty file system with FaultyFileSystem.create(seed), not from " + uri);
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new FileSystemNotFoundException("faulty file systems are not found by URI: " + uri);
  }

  @Override
  public Path getPath(URI uri) {
    throw new FileSystemNotFoundException("faulty file systems are not found by URI: " + uri);
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    Path real = unwrap(path);
    return operation(
        "open",
        real,
        () -> {
          boolean writing =
              options.contains(StandardOpenOption.WRITE)
                  || options.contains(StandardOpenOption.APPEND);
          boolean existed = Files.exists(real);
          boolean truncate =
              writing && existed && options.contains(StandardOpenOption.TRUNCATE_EXISTING);
          Set<OpenOption> realOptions = new HashSet<>(options);
          // Truncation is done below, through the page cache, so a power loss can undo it.
          realOptions.remove(StandardOpenOption.TRUNCATE_EXISTING);
          realOptions.remove(StandardOpenOption.APPEND);
          if (writing) {
            // Writes read what they overwrite first, so a power loss can put it back.
            realOptions.add(StandardOpenOption.WRITE);
            realOptions.add(StandardOpenOption.READ);
          }
          FileChannel channel = FileChannel.open(real, realOptions, attrs);
          if (Files.isDirectory(real)) {
            return new FaultyChannel(fileSystem, channel, real, null, false);
          }
          PageCache.CachedFile file = fileSystem.cache().file(real);
          if (!existed) {
            fileSystem.cache().created(real, file);
          }
          if (truncate) {
            fileSystem.cache().truncate(file, channel, 0);
          }
          return new FaultyChannel(
              fileSystem, channel, real, file, options.contains(StandardOpenOption.APPEND));
        });
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    Path real = unwrap(dir);
    return operation(
        "list",
        real,
        () -> {
          DirectoryStream<Path> stream =
              Files.newDirectoryStream(real, entry -> filter.accept(fileSystem.path(entry)));
          DirectoryStream<Path> wrapped =
              new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                  Iterator<Path> entries = stream.iterator();
                  return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                      return entries.hasNext();
                    }

                    @Override
                    public Path next() {
                      return fileSystem.path(entries.next());
                    }
                  };
                }

                @Override
                public void close() throws IOException {
                  fileSystem.openFiles.remove(this);
                  stream.close();
                }

                @Override
                public String toString() {
                  return real + " (listing)";
                }
              };
          fileSystem.openFiles.add(wrapped);
          return wrapped;
        });
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Path real = unwrap(dir);
    action(
        "mkdir",
        real,
        () -> {
          Files.createDirectory(real, attrs);
          fileSystem.cache().createdDirectory(real);
        });
  }

  @Override
  public void delete(Path path) throws IOException {
    Path real = unwrap(path);
    action(
        "delete",
        real,
        () -> {
          fileSystem.cache().delete(real);
        });
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    Path from = unwrap(source);
    Path to = unwrap(target);
    action(
        "copy",
        from,
        () -> {
          boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
          if (!replace && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(to.toString());
          }
          // A copy takes space like any write: on a full disk it stops where space ends.
          long size = Files.size(from);
          long granted = fileSystem.reserve(size);
          fileSystem
              .cache()
              .copy(
                  from,
                  to,
                  Arrays.asList(options).contains(StandardCopyOption.COPY_ATTRIBUTES)
                      ? new StandardCopyOption[] {StandardCopyOption.COPY_ATTRIBUTES}
                      : new StandardCopyOption[0]);
          if (granted < size) {
            try (FileChannel channel =
                FileChannel.open(to, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
              fileSystem.cache().truncate(fileSystem.cache().file(to), channel, granted);
            }
            throw new IOException("No space left on device");
          }
        });
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Path from = unwrap(source);
    Path to = unwrap(target);
    action(
        "rename",
        from,
        () -> {
          boolean replace =
              Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING)
                  || Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE);
          if (!replace && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(to.toString());
          }
          fileSystem
              .cache()
              .rename(from, to, Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE));
        });
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    return Files.isSameFile(unwrap(path), unwrap(path2));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return Files.isHidden(unwrap(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return Files.getFileStore(unwrap(path));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    Path real = unwrap(path);
    real.getFileSystem().provider().checkAccess(real, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    return Files.getFileAttributeView(unwrap(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    return Files.readAttributes(unwrap(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return Files.readAttributes(unwrap(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    Files.setAttribute(unwrap(path), attribute, value, options);
  }
}
