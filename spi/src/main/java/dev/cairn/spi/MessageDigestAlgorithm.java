package dev.cairn.spi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A {@link HashAlgorithm} backed by a JDK {@link MessageDigest}. */
final class MessageDigestAlgorithm implements HashAlgorithm {
  private final String name;
  private final String jdkName;
  private final int digestLength;

  MessageDigestAlgorithm(String name, String jdkName, int digestLength) {
    this.name = name;
    this.jdkName = jdkName;
    this.digestLength = digestLength;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int digestLength() {
    return digestLength;
  }

  @Override
  public Hasher newHasher() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-1 and SHA-256.
      throw new IllegalStateException(jdkName + " is missing from this JDK", e);
    }
    return new Hasher() {
      @Override
      public Hasher update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
        return this;
      }

      @Override
      public Hasher update(java.nio.ByteBuffer bytes) {
        digest.update(bytes);
        return this;
      }

      @Override
      public Hash finish() {
        return Hash.of(MessageDigestAlgorithm.this, digest.digest());
      }
    };
  }

  @Override
  public String toString() {
    return name;
  }
}
