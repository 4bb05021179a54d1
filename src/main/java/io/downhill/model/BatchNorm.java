package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.linalg.Buf;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Batch normalization (Ioffe &amp; Szegedy 2015) of a hidden layer's {@code h} values: each feature is
 * normalized over the rows of the step's global minibatch, across every partition, then scaled by a
 * trained {@code γ} and shifted by a trained {@code β}. Evaluation normalizes with running
 * statistics kept in θ instead, so that a row's score does not depend on the rows beside it. Placed
 * before the activation (on the dense layer's output, as in the paper) or after it
 * ({@link Placement}).
 * <pre>
 *   sums         per partition, in double, shifted by K_j = the running mean rounded to float (the
 *                same value on every partition and in either precision):
 *                n,  S1_j = Σ_i (x_ij - K_j),  S2_j = Σ_i (x_ij - K_j)²
 *                totalled over the step's partitions ({@link Pass#sums}): N, S1, S2
 *   μ_j, σ²_j    training: the global batch's  μ_j = K_j + S1_j/N,  σ²_j = (S2_j - S1_j²/N)/N
 *                evaluation: the running mean and variance (STATE slices)
 *   forward      x̂_ij = (x_ij - μ_j) / √(σ²_j + ε),   y_ij = γ_j·x̂_ij + β_j
 *   backward     dγ_j += Σ_i dy_ij·x̂_ij,   dβ_j += Σ_i dy_ij          (this partition's rows)
 *                training:   T1_j = Σ dy_ij,  T2_j = Σ dy_ij·x̂_ij  totalled over the global batch,
 *                            dx_ij = γ_j/√(σ²_j + ε) · (dy_ij - T1_j/N - x̂_ij·T2_j/N)
 *                evaluation: dx_ij = γ_j/√(σ²_j + ε) · dy_ij
 *   running      once per step, from the same sums added over the partitions ({@link #accumulateStats}):
 *                mean_j ← m·mean_j + (1 - m)·(K_j + S1_j/N)
 *                var_j  ← m·var_j  + (1 - m)·(S2_j - S1_j²/N) / (N - 1)
 * </pre>
 * with momentum {@code m} {@value #MOMENTUM} and {@code ε} {@value #EPS}. A training pass costs two
 * totals per layer (forward and backward), which a partitioned step makes by exchanging the sums
 * between its partitions. Why shifted sums: {@code S2 - S1²/N} cancels when a mean is large against
 * the spread, and K tracks the batch means so that {@code (μ - K)²} stays small against σ²; plain
 * sums, unlike the merge of (count, mean, M2) pairs, add in any all-reduce. The running statistics
 * use the unbiased variance, as the paper does for inference; the mean starts at 0, the variance at 1.
 */
public final class BatchNorm implements Layer {
  private static final long serialVersionUID = 1L;

  /** The share of the running statistics kept at each step. */
  public static final double MOMENTUM = 0.9;
  /** Added to the variance before its square root. */
  public static final double EPS = 1e-5;

  /** Where a network normalizes, per hidden layer ({@code --batch-norm}). */
  public enum Placement {
    /** No batch normalization. */
    NONE,
    /** dense, batch norm, activation: the paper's, normalizing what the activation sees. */
    BEFORE,
    /** dense, activation, batch norm: normalizing what the next dense layer sees. */
    AFTER;

    /** none, before, after. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> labels() {
      return Arrays.stream(values()).map(Placement::label).toList();
    }

    public static Placement parse(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

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
    double[] m = pass.training() ? batchMoments(params, x, xOff, n, pass) : runningMoments(params);
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double xHat = (x.get(xOff + row + j) - m[j]) * m[h + j];                 // x̂ = (x - μ)/√(σ² + ε)
        y.set(row + j, params.get(gammaOff + j) * xHat + params.get(betaOff + j)); // y = γ·x̂ + β
      }
    }
  }

  @Override
  public void backward(Buf params, Buf x, int xOff, Buf y, Buf dY, int n, Buf grad, Buf dX, Pass pass) {
    boolean batch = pass.training();
    double[] m = batch ? pass.kept(this) : runningMoments(params);
    double[] sums = new double[2 * h]; // Σ dy_j, then Σ dy_j·x̂_j over this partition's rows
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double dy = dY.get(row + j);
        sums[j] += dy;
        sums[h + j] += dy * (x.get(xOff + row + j) - m[j]) * m[h + j];
      }
    }
    for (int j = 0; j < h; j++) {
      grad.set(gammaOff + j, grad.get(gammaOff + j) + sums[h + j]); // dγ += Σ dy·x̂
      grad.set(betaOff + j, grad.get(betaOff + j) + sums[j]);       // dβ += Σ dy
    }
    if (dX == null) {
      return;
    }
    double[] t = batch ? pass.sums().total(sums) : null; // T1, T2 over the global batch
    double rows = m[2 * h];
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double dy = dY.get(row + j);
        double scale = params.get(gammaOff + j) * m[h + j];
        if (batch) {
          double xHat = (x.get(xOff + row + j) - m[j]) * m[h + j];
          dX.set(row + j, scale * (dy - t[j] / rows - xHat * t[h + j] / rows));
        } else {
          dX.set(row + j, scale * dy);
        }
      }
    }
  }

  /**
   * μ, 1/√(σ² + ε) and N of the step's global batch, from this partition's sums totalled over the
   * partitions; kept in the pass for the backward pass.
   */
  private double[] batchMoments(Buf params, Buf x, int xOff, int n, Pass pass) {
    double[] sums = new double[statsSize()];
    addSums(params, x, xOff, n, sums, 0);
    double[] t = pass.sums().total(sums);
    double rows = t[0];
    double[] m = new double[2 * h + 1];
    for (int j = 0; j < h; j++) {
      double d = t[1 + j] / rows;                                  // μ - K
      m[j] = shift(params.get(meanOff + j)) + d;                   // μ = K + S1/N
      m[h + j] = 1 / Math.sqrt(Math.max(0, t[1 + h + j] / rows - d * d) + EPS); // σ² = S2/N - (S1/N)²
    }
    m[2 * h] = rows;
    pass.keep(this, m);
    return m;
  }

  /** The running μ and 1/√(σ² + ε) (and no row count) that evaluation normalizes with. */
  private double[] runningMoments(Buf params) {
    double[] m = new double[2 * h + 1];
    for (int j = 0; j < h; j++) {
      m[j] = params.get(meanOff + j);
      m[h + j] = 1 / Math.sqrt(params.get(varOff + j) + EPS);
    }
    return m;
  }

  /** K, the shift of the sums: the running mean rounded to float (the same in float32 and float64 θ). */
  private static double shift(double runningMean) {
    return (float) runningMean;
  }

  /** Adds n, Σ(x_j - K_j) and Σ(x_j - K_j)² of {@code n} rows of {@code x} into {@code sums[off..]}. */
  private void addSums(Buf params, Buf x, int xOff, int n, double[] sums, int off) {
    double[] k = new double[h];
    for (int j = 0; j < h; j++) {
      k[j] = shift(params.get(meanOff + j));
    }
    sums[off] += n;
    for (int i = 0, row = 0; i < n; i++, row += h) {
      for (int j = 0; j < h; j++) {
        double c = x.get(xOff + row + j) - k[j];
        sums[off + 1 + j] += c;
        sums[off + 1 + h + j] += c * c;
      }
    }
  }

  /** N, then Σ(x_j - K_j), then Σ(x_j - K_j)²: the forward pass's sums. */
  @Override
  public int statsSize() {
    return 1 + 2 * h;
  }

  @Override
  public void accumulateStats(Buf params, Buf x, int xOff, int n, double[] stats, int off) {
    addSums(params, x, xOff, n, stats, off);
  }

  /** The totals of a pass over no rows: the forward pass's sums, then (when it propagates) the backward's, as zeros. */
  @Override
  public void joinTotals(Pass pass, boolean backward) {
    pass.sums().total(new double[backward ? 2 * h : statsSize()]);
  }

  @Override
  public void mergeStatsInPlace(double[] theta, double[] stats, int off) {
    double rows = stats[off];
    if (rows == 0) {
      return;
    }
    for (int j = 0; j < h; j++) {
      double k = shift(theta[meanOff + j]); // the partitions' K: STATE slices do not move until this merge
      double s1 = stats[off + 1 + j];
      double s2 = stats[off + 1 + h + j];
      theta[meanOff + j] = MOMENTUM * theta[meanOff + j] + (1 - MOMENTUM) * (k + s1 / rows);
      if (rows > 1) {
        double var = Math.max(0, s2 - s1 * (s1 / rows)) / (rows - 1);
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
