/**
 * The contracts of a volume archive: a {@link dev.cairn.spi.volume.Lower} layer made of append-only
 * {@link dev.cairn.spi.volume.Volume}s, into which garbage collection moves objects that are no
 * longer reachable instead of deleting them (irmin-pack's lower layer).
 *
 * <p>Every error a lower reports on purpose is a {@link dev.cairn.spi.volume.VolumeException} (its
 * {@link dev.cairn.spi.volume.VolumeException.Reason} names the error case), a {@link
 * dev.cairn.spi.CorruptionException} for damaged files, or a {@link
 * dev.cairn.spi.StoreClosedException} after close.
 */
@NullMarked
package dev.cairn.spi.volume;

import org.jspecify.annotations.NullMarked;
