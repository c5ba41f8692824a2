package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.MalformedObjectException;
import dev.cairn.spi.RefName;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a store keeps of the Git repository it mirrors besides objects and plain refs: the
 * repository it was imported from and its symbolic refs ({@code HEAD -> refs/heads/main}, {@code
 * refs/remotes/origin/HEAD -> refs/remotes/origin/main}).
 *
 * <p>A store's refs name hashes only, so a symbolic ref is not a ref of the store: it is a line of
 * one record, a blob in Git's form named by the ref {@value #REF} (not a Git ref: it is neither
 * {@code HEAD} nor under {@code refs/}, so {@code export-git} does not export it as one). Reading a
 * name through {@link #resolve} follows a symbolic ref to the plain ref it names and returns that
 * ref's hash, as Git does; {@code HEAD} is a plain ref of the store only when it is detached. The
 * record's content, one entry a line:
 *
 * <pre>
 * origin /absolute/path/of/the/repository
 * symref HEAD refs/heads/main
 * </pre>
 *
 * <p>Immutable and thread-safe; {@link #write} replaces the record by compare-and-set.
 */
public final class SymbolicRefs {
  /** The ref that names the record. */
  public static final String REF = "cairn/git-import";

  /** How many symbolic refs {@link #resolve} follows before it calls the chain a loop. */
  private static final int MAX_DEPTH = 5;

  private static final SymbolicRefs NONE = new SymbolicRefs(null, Map.of(), null);

  private final @Nullable String origin;
  private final Map<String, String> targets;

  /** The record's object, if it was read from a store. */
  private final @Nullable Hash stored;

  private SymbolicRefs(
      @Nullable String origin, Map<String, String> targets, @Nullable Hash stored) {
    this.origin = origin;
    this.targets = Map.copyOf(targets);
    this.stored = stored;
  }

  /**
   * A record of {@code origin} (or none) and {@code targets}, symbolic ref to the ref it names.
   *
   * @throws IllegalArgumentException if a name or target is not a valid ref name, or the origin
   *     holds a line break
   */
  public static SymbolicRefs of(Optional<String> origin, Map<String, String> targets) {
    requireNonNull(origin, "origin");
    requireNonNull(targets, "targets");
    origin.ifPresent(
        o -> {
          if (o.indexOf('\n') >= 0 || o.isEmpty()) {
            throw new IllegalArgumentException("bad repository path '" + o + "'");
          }
        });
    targets.forEach(
        (name, target) -> {
          if (!RefName.isValid(name) || !RefName.isValid(target)) {
            throw new IllegalArgumentException(
                "bad symbolic ref '" + name + "' -> '" + target + "'");
          }
        });
    return new SymbolicRefs(origin.orElse(null), targets, null);
  }

  /**
   * The record {@code store} holds, or an empty one.
   *
   * @throws MalformedObjectException if the record's object is missing or not such a record
   */
  public static SymbolicRefs read(Backend store) {
    Optional<Hash> ref = store.getRef(REF);
    if (ref.isEmpty()) {
      return NONE;
    }
    Hash hash = ref.get();
    byte[] data =
        store
            .read(hash)
            .orElseThrow(
                () ->
                    GitObject.malformed(
                        hash, -1, "the object of ref " + REF + " is not in the store"));
    GitObject object = GitObject.parse(hash, data, store.hashAlgorithm());
    if (object.type() != GitObject.Type.BLOB) {
      throw GitObject.malformed(
          hash, 0, "ref " + REF + " names a " + object.type().label() + ", not a blob");
    }
    String text = new String(data, object.contentOffset(), object.contentLength(), UTF_8);
    @Nullable String origin = null;
    Map<String, String> targets = new TreeMap<>();
    int offset = object.contentOffset();
    for (String line : text.split("\n")) {
      String[] fields = line.split(" ", 3);
      if (fields.length == 2 && fields[0].equals("origin")) {
        origin = fields[1];
      } else if (fields.length == 3
          && fields[0].equals("symref")
          && RefName.isValid(fields[1])
          && RefName.isValid(fields[2])) {
        targets.put(fields[1], fields[2]);
      } else if (!line.isEmpty()) {
        throw GitObject.malformed(hash, offset, "not an origin or symref line: '" + line + "'");
      }
      offset += line.getBytes(UTF_8).length + 1;
    }
    return new SymbolicRefs(origin, targets, hash);
  }

  /** The repository the store was imported from, if it was. */
  public Optional<String> origin() {
    return Optional.ofNullable(origin);
  }

  /** Every symbolic ref and the ref it names, by name. */
  public Map<String, String> targets() {
    return new TreeMap<>(targets);
  }

  /** The ref {@code name} names if it is symbolic. */
  public Optional<String> target(String name) {
    return Optional.ofNullable(targets.get(requireNonNull(name, "name")));
  }

  /**
   * The plain ref {@code name} stands for: itself, or the end of its chain of symbolic refs.
   *
   * @throws IllegalStateException if the chain is longer than five (a loop)
   */
  public String plainName(String name) {
    String current = requireNonNull(name, "name");
    for (int depth = 0; depth <= MAX_DEPTH; depth++) {
      String next = targets.get(current);
      if (next == null) {
        return current;
      }
      current = next;
    }
    throw new IllegalStateException("symbolic ref '" + name + "' is part of a loop");
  }

  /**
   * What {@code name} names in {@code store}: a plain ref's hash, or the hash of the plain ref a
   * symbolic one leads to; empty if there is none (an unborn branch).
   */
  public Optional<Hash> resolve(Backend store, String name) {
    return store.getRef(plainName(name));
  }

  /**
   * Makes this the record of {@code store}, if the store's record is still the one this was read
   * from (or made over); one object is written.
   *
   * @return false if another writer changed the record meanwhile (nothing changed)
   */
  public boolean write(Backend store, SymbolicRefs previous) {
    requireNonNull(previous, "previous");
    StringBuilder text = new StringBuilder();
    if (origin != null) {
      text.append("origin ").append(origin).append('\n');
    }
    new TreeMap<>(targets)
        .forEach(
            (name, target) ->
                text.append("symref ").append(name).append(' ').append(target).append('\n'));
    Hash hash = store.put(GitObject.of(GitObject.Type.BLOB, text.toString().getBytes(UTF_8)));
    Hash stored = previous.stored;
    return (stored != null && hash.equals(stored)) || store.testAndSetRef(REF, stored, hash);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SymbolicRefs
        && java.util.Objects.equals(((SymbolicRefs) o).origin, origin)
        && ((SymbolicRefs) o).targets.equals(targets);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(origin, targets);
  }

  @Override
  public String toString() {
    return "origin " + origin + ", symbolic refs " + new TreeMap<>(targets);
  }
}
