package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.linalg.Buf;

/**
 * An element-wise non-linearity {@code a = f(z)} after a hidden dense layer; the function is an
 * {@link ActivationFunction} found by name in {@link Activations}:
 * <pre>
 *   relu         f(z) = max(0, z)              f'(z) = 1[z > 0]
 *   leaky-relu   f(z) = z > 0 ? z : 0.01·z     f'(z) = z > 0 ? 1 : 0.01
 *   tanh         f(z) = tanh(z)                f'(z) = 1 - f(z)²
 *   elu          f(z) = z > 0 ? z : eᶻ - 1     f'(z) = z > 0 ? 1 : f(z) + 1
 *   sigmoid      f(z) = 1 / (1 + e⁻ᶻ)          f'(z) = f(z)(1 - f(z))
 * </pre>
 * backward: {@code dZ = dA ⊙ f'(z)}. ReLU and leaky ReLU have a kink at 0 ({@link #piece}).
 */
public final class Activation implements Layer {
  private static final long serialVersionUID = 1L;

  /** An activation layer applying the function named {@code function} (its canonical name). */
  public record Spec(String function) implements LayerSpec {
    public static final String KIND = "activation";

    public Spec {
      function = Activations.of(function).name();
    }

    static Spec read(JsonNode json) {
      return new Spec(json.path("function").asText());
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
      return new Activation(Activations.of(function), inputs);
    }

    @Override
    public void write(ObjectNode json) {
      json.put("function", function);
    }
  }

  private final ActivationFunction function;
  private final int width;

  public Activation(ActivationFunction function, int width) {
    this.function = function;
    this.width = width;
  }

  public ActivationFunction function() {
    return function;
  }

  @Override
  public int inputs() {
    return width;
  }

  @Override
  public int outputs() {
    return width;
  }

  @Override
  public void forward(Buf params, Buf z, int zOff, int n, Buf a, Pass pass) {
    function.forward(z, zOff, a, n * width);
  }

  @Override
  public void backward(Buf params, Buf z, int zOff, Buf a, Buf dA, int n, Buf grad, Buf dZ, Pass pass) {
    if (dZ != null) {
      function.backward(z, zOff, a, dA, dZ, n * width);
    }
  }

  @Override
  public long piece(Buf z, int zOff, int n) {
    return function.piece(z, zOff, n * width);
  }
}
