package dev.cairn.lower;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defects the power-loss family (reliability-tests, PowerLossTest) caught in the archive. */
class PowerCutRegressionTest {
  @TempDir Path temp;

  /**
   * Opening created the archive's root and its missing parents but synced only the root's parent: a
   * power cut could forget a new parent, and the archive under it.
   */
  @Test
  void aNewArchivesRootAndItsNewParentsSurviveAPowerCut() throws IOException {
    // Which unsynced entries a cut forgets is drawn from the seed: try several.
    for (int seed = 0; seed < 30; seed++) {
      try (FaultyFileSystem fs = FaultyFileSystem.create(seed)) {
        Path root = fs.path(temp).resolve("s" + seed).resolve("a").resolve("lower");
        try (VolumeArchive archive = VolumeArchive.builder(root).open()) {
          archive.addVolume();
        }
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
        assertThat(Files.isDirectory(root.resolve("volume.0"))).as("seed %d", seed).isTrue();
      }
    }
  }
}
