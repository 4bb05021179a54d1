package io.downhill.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.downhill.linalg.Buf;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutTest {
  private static final int N = 50;
  private static final int W = 40;

  private static float[] run(Dropout layer, Pass pass) {
    float[] in = new float[N * W];
    Arrays.fill(in, 2f);
    Buf out = Buf.allocate(io.downhill.linalg.Precision.FLOAT32, N * W);
    layer.forward(null, Buf.wrap(in), 0, N, out, pass);
    return out.f;
  }

  @Test
  void theSameSeedGivesTheSameMaskAndAnotherSeedAnother() {
    Dropout layer = new Dropout(0.3, W, 1);
    assertArrayEquals(run(layer, Pass.training(7)), run(layer, Pass.training(7)));
    assertFalse(Arrays.equals(run(layer, Pass.training(7)), run(layer, Pass.training(8))));
    assertFalse(Arrays.equals(run(layer, Pass.training(7)), run(new Dropout(0.3, W, 2), Pass.training(7))),
        "two dropout layers in one pass draw different masks");
  }

  @Test
  void keptUnitsAreScaledByOneOverKeepProbabilityAndEvaluationIsTheIdentity() {
    float[] out = run(new Dropout(0.25, W, 1), Pass.training(3));
    int kept = 0;
    for (float v : out) {
      if (v != 0) {
        assertEquals(2f / 0.75f, v, 1e-6f);
        kept++;
      }
    }
    assertEquals(0.75, (double) kept / out.length, 0.03); // 2000 draws: within ~3 standard deviations
    for (float v : run(new Dropout(0.25, W, 1), Pass.EVAL)) {
      assertEquals(2f, v);
    }
  }

  @Test
  void backwardUsesTheForwardMask() {
    Dropout layer = new Dropout(0.5, W, 4);
    float[] forward = run(layer, Pass.training(9));
    float[] ones = new float[N * W];
    Arrays.fill(ones, 1f);
    Buf dIn = Buf.allocate(io.downhill.linalg.Precision.FLOAT32, N * W);
    layer.backward(null, null, 0, null, Buf.wrap(ones), N, null, dIn, Pass.training(9));
    for (int i = 0; i < forward.length; i++) {
      assertEquals(forward[i] == 0, dIn.f[i] == 0, "unit " + i);
    }
  }
}
