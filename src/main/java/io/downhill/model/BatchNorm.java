package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.linalg.Buf;
import java.util.Arrays;

/**
 * Batch normalization (Ioffe &amp; Szegedy 2015) of a hidden dense layer's {@code h} outputs, before
 * its activation: each feature is normalized over the rows of the batch, then scaled by a trained
 * {@code γ} and shifted by a trained {@code β}. Evaluation normalizes with running statistics kept
 * in θ instead, so that a row's score does not depend on the rows beside it.
 * <pre>
 *   μ_j, σ²_j    training: the batch's  μ_j = (1/n)·Σ_i x_ij,  σ²_j = (1/n)·Σ_i (x_ij - μ_j)²
 *                evaluation: the running mean and variance (STATE slices)
 *   forward      x̂_ij = (x_ij - μ_j) / √(σ²_j + ε),   y_ij = γ_j·x̂_ij + β_j
 *   backward     dγ_j += Σ_i dy_ij·x̂_ij,   dβ_j += Σ_i dy_ij
 *                training:   dx_ij = γ_j/√(σ²_j + ε)
 *                                    · (dy_ij - (1/n)·Σ_i dy_ij - x̂_ij·(1/n)·Σ_i dy_ij·x̂_ij)
 *                evaluation: dx_ij = γ_j/√(σ²_j + ε) · dy_ij
 *   statistics   per batch the sums N, Σ_i x_ij, Σ_i x_ij²; once per step, summed over every batch
 *                and partition of the step:
 *                mean_j ← m·mean_j + (1 - m)·Σx_j / N
 *                var_j  ← m·var_j  + (1 - m)·(Σx²_j - (Σx_j)²/N) / (N - 1)
 * </pre>
 * with momentum {@code m} {@value #MOMENTUM} and {@code ε} {@value #EPS}. Each partition
 * normalizes its own share of a step's batch (batch normalization without synchronization, as
 * data-parallel trainers do), while the running statistics are those of the whole step's batch
 * (the unbiased variance, as the paper uses for inference). The running mean starts at 0, the
 * variance at 1.
 */
public final class BatchNorm implements Layer {
  private static final long serialVersionUID = 1L;

  /** The share of the running statistics kept at each step. */
  public static final double MOMENTUM = 0.9;
  /** Added to the variance before its square root. */
  public static final double EPS = 1e-5;

  /**
   * Batch normalization of its input's features. Its slices, in the block of the dense layer before
   * it: {@code gamma} ({@link ParameterLayout.Role#SCALE}), {@code beta}
   * ({@link ParameterLayout.Role#SHIFT}), {@code mean} and {@code var} ({@link ParameterLayout.Role#STATE}),
   * each {@code 1 x h}.
   */
  public record Spec() implements LayerSpec {
    public static final String KIND = "batch-norm";

    static Spec read(JsonNode json) {
      return new Spec();
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
    public long parameterCount(int inputs) {
      return 4L * inputs;
    }

    @Override
    public Layer build(int inputs, Slices slices) {
      int gamma = slices.add("gamma", 1, inputs, ParameterLayout.Role.SCALE);
      int beta = slices.add("beta", 1, inputs, ParameterLayout.Role.SHIFT);
      int mean = slices.add("mean", 1, inputs, ParameterLayout.Role.STATE);
      int var = slices.add("var", 1, inputs, ParameterLayout.Role.STATE);
      return new BatchNorm(inputs, gamma, beta, mean, var);
    }

    @Override
    public void write(ObjectNode json) {}
  }

  private final int h;
  private final int gammaOff;
  private final int betaOff;
  private final int meanOff;
  private final int varOff;

  public BatchNorm(int h, int gammaOff, int betaOff, int meanOff, int varOff) {
    this.h = h;
    this.gammaOff = gammaOff;
    this.betaOff = betaOff;
    this.meanOff = meanOff;
    this.varOff = varOff;
  }

  @Override
  public int inputs() {
    return h;
  }

  @Override
  public int outputs() {
    return h;
  }

  @Override
  public void forward(Buf params, Buf x, int xOff, int n, Buf y, Pass pass) {
    double[] mean = new double[h];
    double[] inv = new double[h];
    moments(params, x, xOff, n, pass, mean, inv);
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double xHat = (x.get(xOff + row + j) - mean[j]) * inv[j];               // x̂ = (x - μ)/√(σ² + ε)
        y.set(row + j, params.get(gammaOff + j) * xHat + params.get(betaOff + j)); // y = γ·x̂ + β
      }
    }
  }

  @Override
  public void backward(Buf params, Buf x, int xOff, Buf y, Buf dY, int n, Buf grad, Buf dX, Pass pass) {
    double[] mean = new double[h];
    double[] inv = new double[h];
    moments(params, x, xOff, n, pass, mean, inv);
    double[] sumDy = new double[h];
    double[] sumDyXHat = new double[h];
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double dy = dY.get(row + j);
        sumDy[j] += dy;
        sumDyXHat[j] += dy * (x.get(xOff + row + j) - mean[j]) * inv[j];
      }
    }
    for (int j = 0; j < h; j++) {
      grad.set(gammaOff + j, grad.get(gammaOff + j) + sumDyXHat[j]); // dγ += Σ dy·x̂
      grad.set(betaOff + j, grad.get(betaOff + j) + sumDy[j]);       // dβ += Σ dy
    }
    if (dX == null) {
      return;
    }
    boolean batch = pass.training();
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double dy = dY.get(row + j);
        double scale = params.get(gammaOff + j) * inv[j];
        if (batch) {
          double xHat = (x.get(xOff + row + j) - mean[j]) * inv[j];
          dX.set(row + j, scale * (dy - sumDy[j] / n - xHat * sumDyXHat[j] / n));
        } else {
          dX.set(row + j, scale * dy);
        }
      }
    }
  }

  /** The μ and 1/√(σ² + ε) a pass normalizes with: the batch's when training, the running ones otherwise. */
  private void moments(Buf params, Buf x, int xOff, int n, Pass pass, double[] mean, double[] inv) {
    double[] var = new double[h];
    if (pass.training()) {
      for (int i = 0, row = 0; i < n; i++, row += h) {
        for (int j = 0; j < h; j++) {
          mean[j] += x.get(xOff + row + j);
        }
      }
      for (int j = 0; j < h; j++) {
        mean[j] /= n;
      }
      for (int i = 0, row = 0; i < n; i++, row += h) {
        for (int j = 0; j < h; j++) {
          double c = x.get(xOff + row + j) - mean[j];
          var[j] += c * c;
        }
      }
      for (int j = 0; j < h; j++) {
        var[j] /= n;
      }
    } else {
      for (int j = 0; j < h; j++) {
        mean[j] = params.get(meanOff + j);
        var[j] = params.get(varOff + j);
      }
    }
    for (int j = 0; j < h; j++) {
      inv[j] = 1 / Math.sqrt(var[j] + EPS);
    }
  }

  /** N, then Σx_j, then Σx²_j. */
  @Override
  public int statsSize() {
    return 1 + 2 * h;
  }

  @Override
  public void accumulateStats(Buf x, int xOff, int n, double[] stats, int off) {
    stats[off] += n;
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double v = x.get(xOff + row + j);
        stats[off + 1 + j] += v;
        stats[off + 1 + h + j] += v * v;
      }
    }
  }

  @Override
  public void mergeStatsInPlace(double[] theta, double[] stats, int off) {
    double rows = stats[off];
    if (rows == 0) {
      return;
    }
    for (int j = 0; j < h; j++) {
      double sum = stats[off + 1 + j];
      double sumSq = stats[off + 1 + h + j];
      theta[meanOff + j] = MOMENTUM * theta[meanOff + j] + (1 - MOMENTUM) * sum / rows;
      if (rows > 1) {
        double var = Math.max(0, sumSq - sum * sum / rows) / (rows - 1);
        theta[varOff + j] = MOMENTUM * theta[varOff + j] + (1 - MOMENTUM) * var;
      }
    }
  }

  @Override
  public void initStateInPlace(double[] theta) {
    Arrays.fill(theta, meanOff, meanOff + h, 0.0);
    Arrays.fill(theta, varOff, varOff + h, 1.0);
  }
}
