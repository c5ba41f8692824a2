package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

/**
 * Stored data failed a check (checksum, length, format). The damaged bytes were not served. Names
 * the file and the offset at which the damage was found.
 */
public class CorruptionException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param file the damaged file (a path, or a description for non-file stores)
   * @param offset the byte offset in {@code file} where the damage was found, or -1 if unknown
   * @param problem what is wrong, e.g. {@code "record checksum mismatch"}
   */
  public CorruptionException(String file, long offset, String problem) {
    super(String.format("corrupt %s at offset %d: %s", file, offset, problem));
    this.file = requireNonNull(file, "file");
    this.offset = offset;
  }

  /** Same as {@link #CorruptionException(String, long, String)}, with the underlying cause. */
  public CorruptionException(String file, long offset, String problem, Throwable cause) {
    super(String.format("corrupt %s at offset %d: %s", file, offset, problem), cause);
    this.file = requireNonNull(file, "file");
    this.offset = offset;
  }

  /** The damaged file. */
  public String file() {
    return file;
  }

  /** The offset of the damage in {@link #file()}, or -1 if unknown. */
  public long offset() {
    return offset;
  }
}
