/**
 * The PostgreSQL store, {@code postgres:}: {@link dev.cairn.postgres.PostgresBackend}, its options
 * {@link dev.cairn.postgres.PostgresOptions} and its factory {@link
 * dev.cairn.postgres.PostgresStoreFactory}. Objects and refs live in the tables of one schema,
 * shared by every process that opens it.
 */
@NullMarked
package dev.cairn.postgres;

import org.jspecify.annotations.NullMarked;
