package dev.cairn.git;

import static java.util.Objects.requireNonNull;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.spi.MalformedObjectException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code git} link extractor: objects stored as Git stores them, header included ({@code
 * "<type> <size>\0"} then the body, so that the object's hash is its Git object id), read with
 * {@link GitObject}.
 *
 * <ul>
 *   <li>{@code commit}: its {@code tree} and every {@code parent} (the header lines before the
 *       first blank line).
 *   <li>{@code tree}: every entry ({@code mode SP name NUL} then the raw hash), except gitlinks
 *       (mode {@code 160000}): a submodule's commit lives in another repository.
 *   <li>{@code tag}: its {@code object}.
 *   <li>{@code blob}: nothing.
 * </ul>
 *
 * <p>Hashes in commits and tags are hexadecimal, in trees raw, all of the store's algorithm (SHA-1
 * for classic repositories, SHA-256 for Git's SHA-256 format). Anything else — an unknown type, a
 * size that does not match, a truncated entry, a mode that is no file, directory, symbolic link or
 * submodule — is a {@link MalformedObjectException} naming the object and offset: a collector that
 * cannot read an object's links must not remove what they might reach. Stateless and thread-safe.
 */
@AutoService(LinkExtractor.class)
public final class GitLinks implements LinkExtractor {
  /** Creates the extractor; {@link java.util.ServiceLoader} calls this. */
  public GitLinks() {}

  @Override
  public String name() {
    return GitObject.FORMAT;
  }

  @Override
  public List<Hash> links(Hash hash, byte[] data, HashAlgorithm algorithm) {
    List<Hash> links = new ArrayList<>();
    forEachLink(hash, data, algorithm, (target, leaf) -> links.add(target));
    return links;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Tree entries of blobs and symbolic links are leaves; sub-trees, commits' trees and parents,
   * and tags' objects are not.
   */
  @Override
  public void forEachLink(Hash hash, byte[] data, HashAlgorithm algorithm, LinkVisitor visitor) {
    requireNonNull(visitor, "visitor");
    GitObject.header(hash, data, algorithm)
        .forEachLink((kind, target, leaf) -> visitor.link(target, leaf));
  }

  @Override
  public String toString() {
    return GitObject.FORMAT;
  }
}
