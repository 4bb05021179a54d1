package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Ops;

/**
 * Inverted dropout on a hidden layer's activations: during training each unit is kept with
 * probability {@code 1 - p} and scaled by {@code 1/(1 - p)}, so evaluation (dropout off) needs no
 * rescaling.
 * <pre>
 *   forward  (training):  out = in ⊙ mask / (1 - p),   mask_ij ~ Bernoulli(1 - p)
 *   forward  (evaluation): out = in
 *   backward:             dIn = dOut ⊙ mask / (1 - p)
 * </pre>
 * The mask is a pure function of the pass's seed and this layer's position: backward draws it
 * again instead of storing it, and a seed reproduces it exactly.
 */
public final class Dropout implements Layer {
  private static final long serialVersionUID = 1L;

  /** Dropout with probability {@code p}, salted with its block's number (so each hidden layer draws its own masks). */
  public record Spec(double p) implements LayerSpec {
    public static final String KIND = "dropout";

    public Spec {
      check(p);
    }

    static Spec read(JsonNode json) {
      return new Spec(json.path("p").asDouble(Double.NaN));
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public int outputs(int inputs) {
      return inputs;
    }

    @Override
    public Layer build(int inputs, Slices slices) {
      return new Dropout(p, inputs, slices.block());
    }

    @Override
    public void write(ObjectNode json) {
      json.put("p", p);
    }
  }

  private final double p;
  private final int width;
  private final long salt;

  /**
   * @param salt distinguishes this layer's masks from other dropout layers' in the same pass
   */
  public Dropout(double p, int width, long salt) {
    check(p);
    this.p = p;
    this.width = width;
    this.salt = salt;
  }

  private static void check(double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
    }
  }

  @Override
  public int inputs() {
    return width;
  }

  @Override
  public int outputs() {
    return width;
  }

  private long seed(Pass pass) {
    return pass.seed() * 0x9E3779B97F4A7C15L + salt;
  }

  @Override
  public void forward(Buf params, Buf in, int inOff, int n, Buf out, Pass pass) {
    int len = n * width;
    if (!pass.training() || p == 0) {
      Ops.copy(in, inOff, out, len);
    } else {
      Ops.dropout(in, inOff, out, len, p, seed(pass));
    }
  }

  @Override
  public void backward(Buf params, Buf in, int inOff, Buf out, Buf dOut, int n, Buf grad, Buf dIn, Pass pass) {
    if (dIn == null) {
      return;
    }
    int len = n * width;
    if (!pass.training() || p == 0) {
      Ops.copy(dOut, 0, dIn, len);
    } else {
      Ops.dropout(dOut, 0, dIn, len, p, seed(pass)); // the same mask, drawn again from the same seed
    }
  }
}
