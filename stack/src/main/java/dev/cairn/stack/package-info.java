/**
 * Opens stacks of stores from one string: {@link dev.cairn.stack.Cairn#open(String)}.
 *
 * <p>The public API is {@link dev.cairn.stack.Cairn} (the entry point, with the grammar of stack
 * specs), {@link dev.cairn.stack.StackSpecException} (every problem of a spec at once), {@link
 * dev.cairn.stack.StoreType} (the listing of store types) and {@link
 * dev.cairn.stack.CairnConfiguration} (clock, time source and scheduler given to stores).
 * Everything else is package-private: the parser reads a spec by syntax alone, a binding checks it
 * against the registry of {@link dev.cairn.spi.StoreFactory} providers found by {@link
 * java.util.ServiceLoader}, and a Dagger component wires the registry with one {@link
 * dev.cairn.spi.StoreContext}.
 *
 * <p>This module depends on no store: an application puts the store modules it wants on the class
 * path, or passes a class loader that has them.
 */
@NullMarked
package dev.cairn.stack;

import org.jspecify.annotations.NullMarked;
