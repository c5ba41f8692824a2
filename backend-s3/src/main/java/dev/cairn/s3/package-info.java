/**
 * The {@code s3:} store: Cairn on S3-compatible object storage (AWS S3, Ceph RGW). Open it by spec
 * ({@link dev.cairn.s3.S3StoreFactory}) or directly ({@link dev.cairn.s3.S3Backend#open}).
 */
@NullMarked
package dev.cairn.s3;

import org.jspecify.annotations.NullMarked;
