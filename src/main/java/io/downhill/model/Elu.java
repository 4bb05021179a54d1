package io.downhill.model;

import io.downhill.linalg.Buf;

/**
 * The exponential linear unit (Clevert et al. 2015) with α = 1:
 * {@code f(z) = z > 0 ? z : eᶻ - 1}, {@code f'(z) = z > 0 ? 1 : f(z) + 1}. Negative outputs pull
 * the mean activation towards 0; the derivative is continuous at 0, so there is no kink.
 */
public final class Elu implements ActivationFunction {
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return "elu";
  }

  @Override
  public void forward(Buf z, int zOff, Buf a, int len) {
    if (z.f != null) {
      for (int i = 0; i < len; i++) {
        float x = z.f[zOff + i];
        a.f[i] = x > 0 ? x : (float) Math.expm1(x);       // f(z) = z > 0 ? z : eᶻ - 1
      }
    } else {
      for (int i = 0; i < len; i++) {
        double x = z.d[zOff + i];
        a.d[i] = x > 0 ? x : Math.expm1(x);
      }
    }
  }

  @Override
  public void backward(Buf z, int zOff, Buf a, Buf dA, Buf dZ, int len) {
    if (z.f != null) {
      for (int i = 0; i < len; i++) {
        dZ.f[i] = z.f[zOff + i] > 0 ? dA.f[i] : dA.f[i] * (a.f[i] + 1); // dZ = dA ⊙ f'(z), f' = f + 1 below 0
      }
    } else {
      for (int i = 0; i < len; i++) {
        dZ.d[i] = z.d[zOff + i] > 0 ? dA.d[i] : dA.d[i] * (a.d[i] + 1);
      }
    }
  }
}
