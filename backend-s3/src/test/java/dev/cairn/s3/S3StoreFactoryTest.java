package dev.cairn.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import dev.cairn.storage.Compression;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The {@code s3:} spec: locator, options, masking of keys, and the errors for bad values. */
class S3StoreFactoryTest {
  private final S3StoreFactory factory = new S3StoreFactory();

  private S3Options parse(String locator, Map<String, String> options) {
    return S3StoreFactory.options(StoreSpec.leaf("s3", locator, options), StoreContext.standard());
  }

  @Test
  void foundByServiceLoader() {
    assertThat(
            ServiceLoader.load(dev.cairn.spi.StoreFactory.class).stream().map(p -> p.get().name()))
        .contains("s3");
  }

  @Test
  void bucketAndPrefixComeFromTheLocator() {
    S3Options options =
        parse(
            "my-bucket/a/b/",
            Map.of(
                "endpoint",
                "http://127.0.0.1:7480",
                "gc-grace",
                "30s",
                "pack-size",
                "1m",
                "connections",
                "4"));
    assertThat(options.bucket()).isEqualTo("my-bucket");
    assertThat(options.prefix()).isEqualTo("a/b/");
    assertThat(options.endpoint()).contains(URI.create("http://127.0.0.1:7480"));
    assertThat(options.pathStyle()).isTrue();
    assertThat(options.gcGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.packSize()).isEqualTo(1 << 20);
    assertThat(options.connections()).isEqualTo(4);
    assertThat(options.compression())
        .as("the default, as lower: has it")
        .isEqualTo(Compression.AUTO);
    assertThat(parse("my-bucket", Map.of("compression", "none")).compression())
        .isEqualTo(Compression.NONE);
    assertThat(parse("my-bucket", Map.of()).prefix()).isEmpty();
    assertThat(parse("my-bucket", Map.of()).pathStyle()).isFalse();
  }

  @Test
  void everyPrintedSpecMasksTheKeys() {
    StoreSpec spec =
        StoreSpec.leaf("s3", "b-1/p", Map.of("access-key", "AKIDSECRET", "secret-key", "hunter2"))
            .withSensitiveOptions(factory.sensitiveOptions());
    assertThat(spec.toString())
        .doesNotContain("AKIDSECRET")
        .doesNotContain("hunter2")
        .contains("access-key=****")
        .contains("secret-key=****");
    assertThat(
            parse("b-1/p", Map.of("access-key", "AKIDSECRET", "secret-key", "hunter2")).toString())
        .doesNotContain("hunter2");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> parse("Bad_Bucket", Map.of()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("Bad_Bucket");
    assertThatThrownBy(() -> parse("b-1/a//b", Map.of()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("a//b");
    assertThatThrownBy(() -> parse("b-1", Map.of("endpoint", "ftp://x")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("ftp://x");
    assertThatThrownBy(() -> parse("b-1", Map.of("gc-grace", "soon")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> parse("b-1", Map.of("compression", "lz4")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("lz4");
    assertThatThrownBy(() -> parse("b-1", Map.of("access-key", "k")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("secret-key");
    assertThatThrownBy(
            () ->
                S3StoreFactory.options(
                    StoreSpec.leaf("s3", null, Map.of()), StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("needs a bucket");
  }

  @Test
  void everyOptionIsDocumented() {
    assertThat(factory.options())
        .extracting(o -> o.name())
        .containsExactly(
            "endpoint",
            "region",
            "path-style",
            "profile",
            "access-key",
            "secret-key",
            "hash",
            "pack-size",
            "cache-dir",
            "connections",
            "gc-grace",
            "probe",
            "compression");
    factory.options().forEach(o -> assertThat(o.description()).isNotBlank());
  }
}
