/**
 * The in-heap store, {@code memory:} and {@code memory:NAME}: {@link
 * dev.cairn.memory.MemoryBackend} and its factory {@link dev.cairn.memory.MemoryStoreFactory}.
 * Nothing it holds survives the JVM.
 */
@NullMarked
package dev.cairn.memory;

import org.jspecify.annotations.NullMarked;
