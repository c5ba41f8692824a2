package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DeltaTest {
  @Test
  void editsInTheMiddleAndAtBothEndsRebuildExactlyAndSmall() {
    Random random = new Random(7);
    byte[] base = new byte[100_000];
    random.nextBytes(base);
    byte[] target = base.clone();
    target[10] ^= 1;
    target[50_000] ^= 1;
    target[99_990] ^= 1;
    byte[] delta = Delta.encode(base, 0, base.length, target, 0, target.length, target.length);
    assertThat(delta).isNotNull();
    assertThat(delta.length).isLessThan(200);
    assertThat(Delta.apply(base, delta)).isEqualTo(target);
  }

  @Test
  void insertionsShiftingEverythingStillCopy() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      text.append("line ").append(i).append(" of a source file\n");
    }
    byte[] base = text.toString().getBytes(UTF_8);
    byte[] target =
        ("new first line\n" + text.substring(0, 30_000) + "inserted\n" + text.substring(30_000))
            .getBytes(UTF_8);
    byte[] delta = Delta.encode(base, 0, base.length, target, 0, target.length, target.length);
    assertThat(delta.length).isLessThan(200);
    assertThat(Delta.apply(base, delta)).isEqualTo(target);
  }

  @Test
  void unrelatedContentGivesNoDelta() {
    Random random = new Random(8);
    byte[] base = new byte[10_000];
    byte[] target = new byte[10_000];
    random.nextBytes(base);
    random.nextBytes(target);
    assertThat(Delta.encode(base, 0, base.length, target, 0, target.length, 5_000)).isNull();
  }

  @Test
  void randomEditsRoundTrip() {
    Random random = new Random(9);
    for (int round = 0; round < 200; round++) {
      byte[] base = new byte[random.nextInt(5000) + 20];
      random.nextBytes(base);
      byte[] target = base.clone();
      for (int e = 0; e < 5; e++) {
        target[random.nextInt(target.length)] = (byte) random.nextInt();
      }
      int cut = random.nextInt(target.length);
      byte[] shifted = new byte[target.length + 3];
      System.arraycopy(target, 0, shifted, 0, cut);
      System.arraycopy(target, cut, shifted, cut + 3, target.length - cut);
      byte[] delta = Delta.encode(base, 0, base.length, shifted, 0, shifted.length, 1 << 20);
      if (delta != null) {
        assertThat(Delta.apply(base, delta)).isEqualTo(shifted);
      }
    }
  }
}
