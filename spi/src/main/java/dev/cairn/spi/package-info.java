/**
 * The contracts every Cairn store implements and every user calls: a {@link dev.cairn.spi.Backend}
 * of immutable objects keyed by the {@link dev.cairn.spi.Hash} of their bytes and named refs
 * changed only by compare-and-set, the optional features a store may offer ({@link
 * dev.cairn.spi.Backend#feature}), the {@link dev.cairn.spi.StoreFactory} a plugin registers, and
 * the exceptions every store throws on purpose, all under {@link dev.cairn.spi.CairnException}.
 *
 * <p>Nothing here is null unless it is marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.cairn.spi;

import org.jspecify.annotations.NullMarked;
