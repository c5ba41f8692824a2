/**
 * Git's formats, in one place: {@link dev.cairn.git.GitObject} parses objects strictly, {@link
 * dev.cairn.git.GitLinks} is the {@code git} link extractor garbage collection finds by {@link
 * java.util.ServiceLoader}, {@link dev.cairn.git.SymbolicRefs} keeps a repository's symbolic refs
 * and origin in a store, and {@link dev.cairn.git.PackWriter} writes a pack and its index.
 */
@NullMarked
package dev.cairn.git;

import org.jspecify.annotations.NullMarked;
