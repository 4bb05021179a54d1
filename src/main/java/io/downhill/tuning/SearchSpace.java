package io.downhill.tuning;

import io.downhill.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a search varies and how it proceeds, from a properties file (see {@code conf/search-*.properties}):
 * <pre>
 *   lr         = log-uniform 1e-3 1      # sampled uniformly in log space: exp(U(ln lo, ln hi))
 *   reg        = log-uniform 1e-6 1e-2
 *   momentum   = uniform 0.8 0.95        # uniformly in linear space
 *   hidden     = choice 128 256          # one of the values (a value may be a list: 256,128)
 *   optimizer  = choice sgd momentum
 *   model      = mlp                     # anything else: a fixed training flag
 *   coarse.trials = 16   coarse.epochs = 2
 *   fine.trials = 6      fine.epochs = 8    fine.top = 3    fine.widen = 1.5
 * </pre>
 * The lecture's coarse-to-fine search: the coarse stage samples the whole space for a few epochs;
 * the fine stage samples a narrower space around the best coarse trials ({@link #narrow}) for
 * longer.
 */
public final class SearchSpace {
  /** How one hyperparameter is drawn. */
  public sealed interface Dimension permits LogUniform, Uniform, Choice {
    String sample(SplittableRandom rng);

    /** The dimension spanned by the values the best trials took. */
    Dimension narrow(List<String> best, double widen);

    String describe();
  }

  /** exp(U(ln lo, ln hi)): learning rates and regularization strengths, whose scale is unknown. */
  public record LogUniform(double lo, double hi) implements Dimension {
    @Override
    public String sample(SplittableRandom rng) {
      return Double.toString(Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo))));
    }

    /** [min/widen, max·widen] of the best values: the neighbourhood, in log space, of what worked. */
    @Override
    public Dimension narrow(List<String> best, double widen) {
      double min = best.stream().mapToDouble(Double::parseDouble).min().orElse(lo);
      double max = best.stream().mapToDouble(Double::parseDouble).max().orElse(hi);
      return new LogUniform(min / widen, max * widen);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "log-uniform %.3g %.3g", lo, hi);
    }
  }

  /** U(lo, hi). */
  public record Uniform(double lo, double hi) implements Dimension {
    @Override
    public String sample(SplittableRandom rng) {
      return Double.toString(lo + rng.nextDouble() * (hi - lo));
    }

    /** [min - m, max + m] within the original range, m = (widen - 1)·(max - min) plus 5% of the range. */
    @Override
    public Dimension narrow(List<String> best, double widen) {
      double min = best.stream().mapToDouble(Double::parseDouble).min().orElse(lo);
      double max = best.stream().mapToDouble(Double::parseDouble).max().orElse(hi);
      double m = (widen - 1) * (max - min) + 0.05 * (hi - lo);
      return new Uniform(Math.max(lo, min - m), Math.min(hi, max + m));
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "uniform %.3g %.3g", lo, hi);
    }
  }

  /** One of a few values (hidden sizes, batch sizes, optimizers). */
  public record Choice(List<String> values) implements Dimension {
    @Override
    public String sample(SplittableRandom rng) {
      return values.get(rng.nextInt(values.size()));
    }

    /** The values the best trials had, in the original order. */
    @Override
    public Dimension narrow(List<String> best, double widen) {
      List<String> kept = values.stream().filter(best::contains).toList();
      return new Choice(kept.isEmpty() ? values : kept);
    }

    @Override
    public String describe() {
      return "choice " + String.join(" ", values);
    }
  }

  /** Trials and epochs of a stage. */
  public record Stage(String name, int trials, int epochs) {}

  private final Map<String, Dimension> dimensions;
  private final Map<String, String> fixed;
  private final Stage coarse;
  private final Stage fine;
  private final int top;
  private final double widen;

  public SearchSpace(Map<String, Dimension> dimensions, Map<String, String> fixed, Stage coarse, Stage fine, int top,
      double widen) {
    this.dimensions = new LinkedHashMap<>(dimensions);
    this.fixed = new LinkedHashMap<>(fixed);
    this.coarse = coarse;
    this.fine = fine;
    this.top = top;
    this.widen = widen;
  }

  /**
   * Parses the properties of a search file ({@code source} names it in errors). Keys in file order
   * make sampling reproducible.
   */
  public static SearchSpace parse(Map<String, String> props, String source) {
    Map<String, Dimension> dims = new LinkedHashMap<>();
    Map<String, String> fixed = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = e.getKey();
      if (key.startsWith("coarse.") || key.startsWith("fine.")) {
        continue;
      }
      String[] words = e.getValue().trim().split("\\s+");
      String kind = words[0];
      switch (kind) {
        case "log-uniform", "uniform" -> {
          if (words.length != 3) {
            throw BadInputException.of(source + ": " + key, "bad range", kind + " LO HI", e.getValue());
          }
          double lo = number(source, key, words[1]);
          double hi = number(source, key, words[2]);
          if (!(lo < hi) || (kind.equals("log-uniform") && !(lo > 0))) {
            throw BadInputException.of(source + ": " + key, "empty or invalid range",
                kind.equals("log-uniform") ? "0 < LO < HI" : "LO < HI", e.getValue());
          }
          dims.put(key, kind.equals("uniform") ? new Uniform(lo, hi) : new LogUniform(lo, hi));
        }
        case "choice" -> {
          if (words.length < 2) {
            throw BadInputException.of(source + ": " + key, "no values", "choice V1 V2 ...", e.getValue());
          }
          dims.put(key, new Choice(List.of(words).subList(1, words.length)));
        }
        default -> fixed.put(key, e.getValue().trim());
      }
    }
    if (dims.isEmpty()) {
      throw BadInputException.of(source, "nothing to search", "at least one KEY = log-uniform|uniform|choice ...",
          "only fixed settings");
    }
    Stage coarse = new Stage("coarse", integer(props, source, "coarse.trials", 16), integer(props, source, "coarse.epochs", 2));
    Stage fine = new Stage("fine", integer(props, source, "fine.trials", 6), integer(props, source, "fine.epochs", 8));
    if (coarse.trials() < 1 || coarse.epochs() < 1 || fine.trials() < 0 || fine.epochs() < 1) {
      throw BadInputException.of(source, "invalid stage sizes", "coarse.trials, coarse.epochs, fine.epochs >= 1 and "
          + "fine.trials >= 0", coarse + ", " + fine);
    }
    int top = integer(props, source, "fine.top", 3);
    double widen = props.containsKey("fine.widen") ? number(source, "fine.widen", props.get("fine.widen")) : 1.5;
    if (top < 1 || !(widen >= 1)) {
      throw BadInputException.of(source, "invalid fine stage", "fine.top >= 1, fine.widen >= 1",
          "fine.top " + top + ", fine.widen " + widen);
    }
    for (String k : props.keySet()) {
      if ((k.startsWith("coarse.") || k.startsWith("fine."))
          && !List.of("coarse.trials", "coarse.epochs", "fine.trials", "fine.epochs", "fine.top", "fine.widen").contains(k)) {
        throw BadInputException.of(source + ": " + k, "unknown stage setting",
            "coarse.trials, coarse.epochs, fine.trials, fine.epochs, fine.top, fine.widen", k);
      }
    }
    return new SearchSpace(dims, fixed, coarse, fine, top, widen);
  }

  private static double number(String source, String key, String v) {
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw BadInputException.of(source + ": " + key, "not a number", "a finite number", "'" + v + "'");
  }

  private static int integer(Map<String, String> props, String source, String key, int otherwise) {
    String v = props.get(key);
    if (v == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw BadInputException.of(source + ": " + key, "not an integer", "an integer", "'" + v + "'");
    }
  }

  public Map<String, Dimension> dimensions() {
    return dimensions;
  }

  public Map<String, String> fixed() {
    return fixed;
  }

  public Stage coarse() {
    return coarse;
  }

  public Stage fine() {
    return fine;
  }

  public int top() {
    return top;
  }

  /** One setting per dimension, in file order. */
  public Map<String, String> sample(SplittableRandom rng) {
    Map<String, String> s = new LinkedHashMap<>();
    dimensions.forEach((k, d) -> s.put(k, d.sample(rng)));
    return s;
  }

  /** The space around the settings of the best trials (each dimension narrowed, see {@link Dimension#narrow}). */
  public SearchSpace narrow(List<Map<String, String>> best) {
    Map<String, Dimension> dims = new LinkedHashMap<>();
    dimensions.forEach((k, d) -> {
      List<String> values = new ArrayList<>();
      for (Map<String, String> b : best) {
        values.add(b.get(k));
      }
      dims.put(k, d.narrow(values, widen));
    });
    return new SearchSpace(dims, fixed, coarse, fine, top, widen);
  }
}
