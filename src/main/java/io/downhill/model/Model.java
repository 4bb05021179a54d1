package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A score function: a chain of layers over one flat parameter vector. Built from a
 * {@link ModelSpec}, each {@link LayerSpec} building its layer and declaring its slices: the linear
 * classifier is one {@link DenseLayer} ({@code W}, {@code b}); a network is, per hidden layer,
 * {@code Wi, bi} dense, an {@link Activation}, a {@link BatchNorm} before or after it (with batch
 * norm) and (with dropout) a {@link Dropout}, then a dense head.
 *
 * <p>Usage per minibatch: {@link #forward} writes every layer's output into the
 * {@link Workspace} and returns the scores ({@code n x k}); the caller fills
 * {@link Workspace#outputGradient()} with {@code dL/dscores} and calls {@link #backward}, which
 * adds {@code dL/dθ} into {@code grad}.
 *
 * <p>Layers with non-trained state (STATE slices of θ) are served by {@link #statsSize},
 * {@link #accumulateStats}, {@link #mergeStatsInPlace} and {@link #initStateInPlace}; for a model
 * without such layers they do nothing (see the package documentation).
 */
public final class Model implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelSpec spec;
  private final List<Layer> layers;
  private final ParameterLayout layout;
  /** Where each layer's statistics start in a stats buffer. */
  private final int[] statsOffsets;
  private final int statsSize;

  private Model(ModelSpec spec, List<Layer> layers, ParameterLayout layout) {
    this.spec = spec;
    this.layers = List.copyOf(layers);
    this.layout = layout;
    this.statsOffsets = new int[layers.size()];
    int size = 0;
    for (int i = 0; i < layers.size(); i++) {
      statsOffsets[i] = size;
      size += layers.get(i).statsSize();
    }
    this.statsSize = size;
  }

  public static Model of(ModelSpec spec) {
    Slices slices = new Slices(!spec.isLinear());
    List<Layer> layers = new ArrayList<>();
    int in = spec.inputs();
    for (LayerSpec layer : spec.chain()) {
      layers.add(layer.build(in, slices));
      in = layer.outputs(in);
    }
    return new Model(spec, layers, slices.layout());
  }

  public ModelSpec spec() {
    return spec;
  }

  public List<Layer> layers() {
    return layers;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public int inputs() {
    return spec.inputs();
  }

  public int outputs() {
    return spec.outputs();
  }

  /** Scores {@code (n x k)} of {@code n} rows of {@code x} starting at {@code xOff}; a buffer of {@code ws}. */
  public Buf forward(Buf params, Buf x, int xOff, int n, Workspace ws, Pass pass) {
    ws.ensure(layers, x.precision(), n);
    Buf in = x;
    int inOff = xOff;
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).forward(params, in, inOff, n, ws.outs[i], pass);
      in = ws.outs[i];
      inOff = 0;
    }
    return in;
  }

  /**
   * Back-propagates {@code ws.outputGradient()} through the layers of the last {@link #forward}
   * on the same rows (with the same pass), adding {@code dL/dθ} into {@code grad}.
   */
  public void backward(Buf params, Buf x, int xOff, int n, Buf grad, Workspace ws, Pass pass) {
    for (int i = layers.size() - 1; i >= 0; i--) {
      Buf in = i == 0 ? x : ws.outs[i - 1];
      int inOff = i == 0 ? xOff : 0;
      Buf dIn = i == 0 ? null : ws.douts[i - 1];
      layers.get(i).backward(params, in, inOff, ws.outs[i], ws.douts[i], n, grad, dIn, pass);
    }
  }

  /**
   * Scores {@code (n x k)} of the {@code n} rows of a sparse {@code x}: the first (dense) layer
   * runs the CSR product, the rest is the dense path. Equal to {@link #forward} on the same rows
   * stored densely, to float tolerance.
   */
  public Buf forward(Buf params, Csr x, Workspace ws, Pass pass) {
    int n = x.rows();
    ws.ensure(layers, x.precision(), n);
    first().forward(params, x, ws.outs[0]);
    for (int i = 1; i < layers.size(); i++) {
      layers.get(i).forward(params, ws.outs[i - 1], 0, n, ws.outs[i], pass);
    }
    return ws.outs[layers.size() - 1];
  }

  /** {@link #backward} after {@link #forward(Buf, Csr, Workspace, Pass)}. */
  public void backward(Buf params, Csr x, Buf grad, Workspace ws, Pass pass) {
    int n = x.rows();
    for (int i = layers.size() - 1; i >= 1; i--) {
      layers.get(i).backward(params, ws.outs[i - 1], 0, ws.outs[i], ws.douts[i], n, grad, ws.douts[i - 1], pass);
    }
    first().backward(x, ws.douts[0], grad);
  }

  private DenseLayer first() {
    if (!(layers.get(0) instanceof DenseLayer first)) {
      throw new IllegalStateException("sparse input needs a dense first layer, not " + layers.get(0));
    }
    return first;
  }

  /** The linear pieces (ReLU patterns) of the last {@link #forward} on {@code n} rows of {@code x}. */
  public long piece(Buf x, int xOff, int n, Workspace ws) {
    long hash = 17;
    for (int i = 0; i < layers.size(); i++) {
      hash = hash * 31 + layers.get(i).piece(i == 0 ? x : ws.outs[i - 1], i == 0 ? xOff : 0, n);
    }
    return hash;
  }

  /** Values of batch statistics per training batch, all layers together: the size of a stats buffer (0: no state). */
  public int statsSize() {
    return statsSize;
  }

  /**
   * Adds the statistics of the last training {@link #forward} on {@code n} rows of {@code x} (with
   * the same {@code params} and {@code ws}) into {@code stats} ({@link #statsSize} values): the executor's
   * {@code shard.ShardComputer} calls it per batch, and the partitions' buffers are summed like
   * gradients. A sparse batch passes {@code x = null}: its first layer is dense and keeps none.
   */
  public void accumulateStats(Buf params, Buf x, int xOff, int n, Workspace ws, double[] stats) {
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      if (layer.statsSize() > 0) {
        layer.accumulateStats(params, i == 0 ? x : ws.outs[i - 1], i == 0 ? xOff : 0, n, stats, statsOffsets[i]);
      }
    }
  }

  /**
   * A training step's part for a partition without rows in it: joins every total over the step's
   * batch that {@link #forward} and {@link #backward} would make ({@link BatchSums}), in their order,
   * with zeros. Nothing for a model without such layers.
   */
  public void joinTotalsWithoutRows(Pass pass) {
    for (Layer layer : layers) {
      layer.joinTotals(pass, false);
    }
    for (int i = layers.size() - 1; i >= 1; i--) { // backward: the first layer propagates no gradient
      layers.get(i).joinTotals(pass, true);
    }
  }

  /**
   * Folds {@code statsSum}, the statistics of one step summed over its batches and partitions,
   * into the STATE slices of {@code theta}: the driver's training loop calls it after each step,
   * before θ is broadcast again.
   */
  public void mergeStatsInPlace(double[] theta, double[] statsSum) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).statsSize() > 0) {
        layers.get(i).mergeStatsInPlace(theta, statsSum, statsOffsets[i]);
      }
    }
  }

  /**
   * Starts a fresh {@code theta}: every slice as its role says ({@code init} draws the weights,
   * seeded by {@code seed}), then the STATE slices as their layers say. The one way θ starts.
   */
  public void initializeInPlace(Initializer init, double[] theta, long seed) {
    init.initialize(layout, theta, seed);
    initStateInPlace(theta);
  }

  /** Writes the starting values of every STATE slice, which {@link Initializer#initialize} leaves to their layers. */
  private void initStateInPlace(double[] theta) {
    for (Layer layer : layers) {
      layer.initStateInPlace(theta);
    }
  }
}
