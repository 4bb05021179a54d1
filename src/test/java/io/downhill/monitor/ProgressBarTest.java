package io.downhill.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void drawsOneOverwrittenLineWithThroughputAndEtaAndClearsIt() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), true);
    bar.update("epoch 1/2  step 10/10  loss 0.5", 10, 20, 2560, "rows");
    String line = text.toString();
    assertTrue(line.startsWith("\repoch 1/2  step 10/10  loss 0.5  "), line);
    assertTrue(line.contains(" rows/s  ETA "), line);
    bar.clear();
    assertTrue(text.toString().endsWith("\r"), "cleared");
  }

  @Test
  void staysQuietWhenOutputIsNotATerminal() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), false);
    bar.update("epoch 1/2", 1, 2, 10, "rows");
    bar.clear();
    assertEquals("", text.toString());
  }

  @Test
  void isDueWhenOnAndNotDrawnInTheLast200MsOrAtTheEnd() {
    ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), true);
    assertTrue(bar.due(1, 20), "nothing drawn yet");
    bar.update("epoch 1/2", 1, 20, 10, "rows");
    assertFalse(bar.due(2, 20), "drawn just now");
    assertTrue(bar.due(20, 20), "the last step always draws");
    assertFalse(new ProgressBar(new PrintWriter(new StringWriter()), false).due(1, 20), "off");
  }

  @Test
  void etaIsMinutesAndSecondsOrHours() {
    assertEquals("0:42", ProgressBar.clock(42.2));
    assertEquals("1:02:05", ProgressBar.clock(3725));
    assertEquals("?", ProgressBar.clock(Double.NaN));
  }
}
