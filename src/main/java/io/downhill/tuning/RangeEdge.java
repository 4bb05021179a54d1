package io.downhill.tuning;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A log-range setting whose best value sits in the outer tenth of its searched range, in log
 * space: the best may lie beyond the range, so the range should widen (or move) that way. The
 * lecture's worry about a best cross-validation result at the edge of the range.
 * <pre>
 *   position = (ln v - ln lo) / (ln hi - ln lo)        at the bottom edge below 0.1, at the top edge above 0.9
 * </pre>
 * Only {@link SearchSpace.LogUniform} dimensions of the space as written (not the fine stage's
 * narrowed space, whose edges follow the coarse trials by construction).
 *
 * @param edge     "top" or "bottom"
 * @param position where the value sits, 0 at {@code lo} and 1 at {@code hi}, in log space
 */
public record RangeEdge(String setting, double value, double lo, double hi, String edge, double position) {

  /** The outer share of a range, at either end, that counts as its edge. */
  public static final double OUTER = 0.1;

  /** The settings of {@code best} at an edge of {@code space}'s log ranges, in the space's order. */
  public static List<RangeEdge> of(SearchSpace space, Map<String, String> best) {
    List<RangeEdge> out = new ArrayList<>();
    space.dimensions().forEach((name, d) -> {
      String v = best.get(name);
      if (d instanceof SearchSpace.LogUniform r && v != null) {
        double value = Double.parseDouble(v);
        double position = (Math.log(value) - Math.log(r.lo())) / (Math.log(r.hi()) - Math.log(r.lo()));
        if (position >= 1 - OUTER || position <= OUTER) {
          out.add(new RangeEdge(name, value, r.lo(), r.hi(), position >= 1 - OUTER ? "top" : "bottom", position));
        }
      }
    });
    return out;
  }

  /** "best lr 0.9 sits at the top edge of [1e-4, 1] (96% of the way in log space): widen the range upwards". */
  public String message() {
    return String.format(Locale.ROOT, "best %s %s sits at the %s edge of [%s, %s] (%.0f%% of the way in log space):"
        + " widen the range %s", setting, g(value), edge, g(lo), g(hi), 100 * position,
        edge.equals("top") ? "upwards" : "downwards");
  }

  /** The edges as a JSON array of objects (setting, value, lo, hi, edge, position, message). */
  public static ArrayNode json(List<RangeEdge> edges, ArrayNode into) {
    for (RangeEdge e : edges) {
      ObjectNode o = into.addObject();
      o.put("setting", e.setting);
      o.put("value", e.value);
      o.put("lo", e.lo);
      o.put("hi", e.hi);
      o.put("edge", e.edge);
      o.put("position", e.position);
      o.put("message", e.message());
    }
    return into;
  }

  private static String g(double v) {
    return String.format(Locale.ROOT, "%.3g", v).replaceFirst("\\.?0+(e|$)", "$1").replace("e-0", "e-")
        .replace("e+0", "e").replace("e+", "e");
  }
}
