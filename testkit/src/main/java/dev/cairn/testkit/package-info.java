/**
 * What a store's author tests it with: {@link dev.cairn.testkit.ConformanceSuite} (every promise of
 * {@link dev.cairn.spi.Backend}, run against a factory of fresh stores), crash and race testers,
 * and {@link dev.cairn.testkit.FaultyFileSystem}, a file system that fails, tears and loses writes
 * on demand.
 */
@NullMarked
package dev.cairn.testkit;

import org.jspecify.annotations.NullMarked;
