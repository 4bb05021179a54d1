package io.downhill.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RangeEdgeTest {
  private static final SearchSpace SPACE = SearchSpace.parse(ordered("lr", "log-uniform 1e-4 1", "reg",
      "log-uniform 1e-6 1e-2", "momentum", "uniform 0.8 0.95", "hidden", "choice 64 128"), "test");

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aBestValueInTheOuterTenthOfALogRangeIsAnEdgeInTheSpaceOrder() {
    List<RangeEdge> edges = RangeEdge.of(SPACE, ordered("lr", "0.9", "reg", "2e-6", "momentum", "0.949", "hidden", "128"));
    assertEquals(2, edges.size(), edges.toString());
    RangeEdge lr = edges.get(0);
    assertEquals("lr", lr.setting());
    assertEquals("top", lr.edge());
    assertEquals(Math.log(0.9 / 1e-4) / Math.log(1e4), lr.position(), 1e-12); // 0.989
    assertEquals("best lr 0.9 sits at the top edge of [0.0001, 1] (99% of the way in log space): widen the range upwards",
        lr.message());
    RangeEdge reg = edges.get(1);
    assertEquals("bottom", reg.edge());
    assertEquals(Math.log(2) / Math.log(1e4), reg.position(), 1e-12); // 0.075
    assertEquals("best reg 2e-6 sits at the bottom edge of [1e-6, 0.01] (8% of the way in log space): widen the range"
        + " downwards", reg.message());
  }

  @Test
  void insideTheRangeOrOnALinearOrChoiceDimensionIsNoEdge() {
    // lr 0.35 is 88.6% of the way from 1e-4 to 1 in log space; reg 3e-6 is 0.02% of the way in linear space, 11.9% in log
    assertEquals(List.of(), RangeEdge.of(SPACE, ordered("lr", "0.35", "reg", "3e-6", "momentum", "0.8", "hidden", "64")));
    assertEquals(List.of(), RangeEdge.of(SPACE, ordered("lr", "0.01", "reg", "1e-4")));
    // the boundaries count: exactly 0.9 and 0.1 of the way are edges
    double top = Math.pow(10, -4 + 0.9 * 4);
    assertEquals(List.of("top"), RangeEdge.of(SPACE, ordered("lr", Double.toString(top * 1.0000001))).stream()
        .map(RangeEdge::edge).toList());
    assertEquals(List.of(), RangeEdge.of(SPACE, ordered("lr", Double.toString(top * 0.999))));
  }

  @Test
  void theJsonCarriesEveryFieldAndTheMessage() {
    ArrayNode a = RangeEdge.json(RangeEdge.of(SPACE, ordered("lr", "0.9")), new ObjectMapper().createArrayNode());
    assertEquals(1, a.size());
    assertEquals("lr", a.get(0).get("setting").asText());
    assertEquals(0.9, a.get(0).get("value").asDouble());
    assertEquals(1e-4, a.get(0).get("lo").asDouble());
    assertEquals(1.0, a.get(0).get("hi").asDouble());
    assertEquals("top", a.get(0).get("edge").asText());
    assertEquals(RangeEdge.of(SPACE, ordered("lr", "0.9")).get(0).message(), a.get(0).get("message").asText());
  }
}
