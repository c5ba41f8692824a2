/**
 * The stores that wrap stores: {@code cache:}, {@code verify:}, {@code read-only:}, {@code stats:}
 * and {@code layered(upper=…, lower=…)} with its garbage collection ({@link
 * dev.cairn.decorators.Decorators} names them all). Each forwards to the store it wraps what it
 * does not change, as {@link dev.cairn.spi.ForwardingBackend} documents.
 */
@NullMarked
package dev.cairn.decorators;

import org.jspecify.annotations.NullMarked;
