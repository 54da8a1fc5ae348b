package biz.vulcantracker.model;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.function.Function;

/**
 * When the tracking script and the access log saw the same pageview: a site that sends both gets
 * each script-run page view twice, once as the server's log line (at the request) and once as the
 * script's beacon (after the page ran), with the same visitor id (the same address and browser, the
 * same day's salt) and the same page. A log pageview is the script's too when a script pageview of
 * the same visitor and page lies within {@link #WINDOW} of it; pairs are matched one to one, in time
 * order (a page reloaded twice in the window is two pairs; a log line with no beacon — an
 * ad-blocker, no JavaScript — stays the log's alone).
 *
 * <p>The pairs are a function of a visitor's hits, whatever order they arrived in: for each page,
 * each log pageview in time order takes the earliest script pageview still unpaired that is not
 * older than the window before it, if that one is not later than the window after it. On points
 * of a line with a symmetric window, that greedy choice pairs as many as any choice can.
 */
public final class SamePageview {

  /** From the log line's time (the request, to the second) to the beacon's (the page ran, then sent it). */
  public static final Duration WINDOW = Duration.ofSeconds(10);
  private static final long WINDOW_MS = WINDOW.toMillis();

  private SamePageview() {}

  /**
   * The log pageviews among one visitor's hits (in time order) that the script also saw, by their
   * place in {@code hits}.
   */
  public static <T> BitSet seenByScript(List<T> hits, ToLongFunction<T> time, Predicate<T> logPageview, Predicate<T> scriptPageview,
      Function<T, String> page) {
    BitSet seen = new BitSet();
    Map<String, ArrayDeque<Long>> unpaired = new HashMap<>(); // per page, script pageview times not paired yet
    // Every script pageview that might pair with a log line first: a beacon may come before its line
    // (the line is written when the response ends).
    for (T hit : hits) {
      if (scriptPageview.test(hit)) {
        unpaired.computeIfAbsent(page.apply(hit), p -> new ArrayDeque<>()).addLast(time.applyAsLong(hit));
      }
    }
    if (unpaired.isEmpty()) {
      return seen;
    }
    for (int i = 0; i < hits.size(); i++) {
      T hit = hits.get(i);
      if (!logPageview.test(hit)) {
        continue;
      }
      ArrayDeque<Long> beacons = unpaired.get(page.apply(hit));
      if (beacons == null) {
        continue;
      }
      long at = time.applyAsLong(hit);
      while (!beacons.isEmpty() && beacons.peekFirst() < at - WINDOW_MS) {
        beacons.pollFirst(); // too old for this line, so for every later one
      }
      if (!beacons.isEmpty() && beacons.peekFirst() <= at + WINDOW_MS) {
        beacons.pollFirst();
        seen.set(i);
      }
    }
    return seen;
  }
}
