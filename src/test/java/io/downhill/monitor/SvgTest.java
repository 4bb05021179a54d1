package io.downhill.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SvgTest {
  @Test
  void linearAxesGetRoundTicksAndLogAxesPowersOfTen() {
    Axis a = Axis.of(0.13, 0.87, false, false, false);
    assertEquals(0.0, a.lo(), 1e-12);
    assertEquals(1.0, a.hi(), 1e-12);
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, a.ticks(), 1e-12);

    Axis steps = Axis.of(1, 2120, false, true, true);
    assertEquals(1, steps.lo());
    assertEquals(2120, steps.hi());
    assertArrayEquals(new double[] {500, 1000, 1500, 2000}, steps.ticks(), 1e-9);

    Axis log = Axis.of(2e-5, 3e-2, true, false, false);
    assertArrayEquals(new double[] {1e-4, 1e-3, 1e-2}, log.ticks(), 1e-15);
    assertTrue(log.lo() < 2e-5 && log.hi() > 3e-2);
    assertEquals("1e-4", log.label(1e-4));
    assertEquals("0.01", log.label(1e-2));

    Axis narrow = Axis.of(0.3, 0.5, true, false, false);
    assertTrue(narrow.ticks().length >= 2, "a narrow log axis still gets ticks");
    Axis one = Axis.of(3, 3, false, false, false);
    assertTrue(one.lo() < 3 && one.hi() > 3, "one value gets room around it");
  }

  @Test
  void thinningKeepsSpikesAndGaps() {
    double[] y = new double[10_000];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 7;
    }
    y[4321] = 1000;
    y[9000] = Double.NaN;
    int[] keep = Svg.thin(y, 200, Double::isFinite);
    assertTrue(keep.length <= 200);
    assertTrue(java.util.Arrays.stream(keep).anyMatch(i -> i == 4321), "the spike survives");
    double[] gap = new double[5000];
    java.util.Arrays.fill(gap, Double.NaN);
    gap[0] = 1;
    assertTrue(java.util.Arrays.stream(Svg.thin(gap, 100, Double::isFinite)).anyMatch(i -> i == -1), "gaps stay gaps");
  }

  @Test
  void movingAverageSkipsNonFiniteValues() {
    double[] avg = Svg.movingAverage(new double[] {1, 3, Double.NaN, 5, 7}, 2);
    assertArrayEquals(new double[] {1, 2, 3, 5, 6}, avg, 1e-12);
  }

  @Test
  void numbersReadWell() {
    assertEquals("0.1", Html.number(0.1));
    assertEquals("1e-4", Html.number(1.0e-4));
    assertEquals("2.5e-5", Html.number(2.5e-5));
    assertEquals("7850", Html.number(7850));
    assertEquals("0.8666", Html.number(0.8665704345251314));
    assertEquals("1.235e6", Html.number(1234567.5));
    assertEquals("NaN", Html.number(Double.NaN));
    assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", Html.esc("<b> & \"x\" 'y'"));
  }

  @Test
  void aPlotWithoutDataSaysSo() {
    String svg = new Plot("empty", "Nothing", "x", "y").line("l", new double[] {1, 2}, new double[] {Double.NaN,
        Double.NaN}, "#000").render();
    assertTrue(svg.contains("no data"));
    assertFalse(svg.contains("class=\"mark\""));
  }
}
