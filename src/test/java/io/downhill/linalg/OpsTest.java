package io.downhill.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The (leaky) ReLU's backward against its definition, dZ = dA·(z > 0 ? 1 : slope), sign bits included. */
class OpsTest {

  @Test
  void reluBackwardPassesTheGradientWhereZsSignBitIsClearInBothPrecisions() {
    SplittableRandom rng = new SplittableRandom(5);
    int n = 1003; // past any vector width, with a tail
    for (Precision precision : Precision.values()) {
      for (double slope : new double[] {0.0, 0.01}) {
        Buf z = Buf.allocate(precision, n + 2);
        Buf dA = Buf.allocate(precision, n);
        Buf dZ = Buf.allocate(precision, n);
        for (int i = 0; i < n + 2; i++) {
          z.set(i, i % 7 == 0 ? 0.0 : i % 7 == 1 ? -0.0 : rng.nextGaussian());
        }
        for (int i = 0; i < n; i++) {
          dA.set(i, i % 5 == 0 ? -0.0 : rng.nextGaussian());
        }
        Ops.leakyReluBackward(z, 2, dA, dZ, n, slope);
        for (int i = 0; i < n; i++) {
          double zi = z.get(2 + i);
          boolean positive = (Double.doubleToRawLongBits(zi) & Long.MIN_VALUE) == 0; // +0.0 counts as positive
          double expected = positive ? dA.get(i) : dA.get(i) * slope;
          if (precision == Precision.FLOAT32) {
            expected = positive ? dA.get(i) : (float) dA.get(i) * (float) slope;
          }
          String where = precision + " slope " + slope + " at " + i + " (z " + zi + ", dA " + dA.get(i) + ")";
          if (slope == 0.0) { // ReLU: exactly dA or a zero of dA's sign
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(dZ.get(i)), where);
          } else {
            double ulp = precision == Precision.FLOAT32 ? Math.ulp((float) expected) : Math.ulp(expected);
            assertEquals(expected, dZ.get(i), 2 * ulp, where); // dA·slope + dA·(1 - slope)·step: an ulp off
          }
        }
      }
    }
  }
}
