package biz.vulcantracker.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pairing of log and script pageviews, against hand-made cases and a brute-force maximum matching. */
class SamePageviewTest {

  record Hit(String key, long time, boolean log, String page) {}

  @Test
  void aLogLineTakesTheScriptsPageviewOfTheSamePageWithinTheWindow() {
    List<Hit> hits = List.of(
        new Hit("l1", 1_000, true, "/"), new Hit("b1", 2_500, false, "/"), // the same pageview, 1.5 s apart
        new Hit("l2", 60_000, true, "/pricing"), // blocked: no beacon
        new Hit("l3", 120_000, true, "/docs"), new Hit("b3", 125_000, false, "/blog"), // another page
        new Hit("b4", 200_000, false, "/a"), new Hit("l4", 211_000, true, "/a"), // 11 s: outside
        new Hit("l5", 300_000, true, "/r"), new Hit("b5", 301_000, false, "/r"), new Hit("l6", 302_000, true, "/r"),
        new Hit("b6", 303_000, false, "/r")); // a reload: two pairs
    assertThat(paired(hits)).containsExactly("l1", "l5", "l6");
  }

  @Test
  void aBeaconPairsOnce() {
    List<Hit> hits = List.of(new Hit("l1", 1_000, true, "/"), new Hit("b1", 2_000, false, "/"), new Hit("l2", 3_000, true, "/"));
    assertThat(paired(hits)).containsExactly("l1");
  }

  /** Random visitors: as many pairs as a brute-force maximum matching finds, whatever order the hits came in. */
  @Test
  void pairsAsManyAsAnyMatchingAndDependsOnTheSetOnly() {
    Random random = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      List<Hit> hits = new ArrayList<>();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        hits.add(new Hit("h" + i, random.nextInt(40) * 1_000L, random.nextBoolean(), random.nextBoolean() ? "/" : "/x"));
      }
      List<Hit> ordered = sorted(hits);
      assertThat(paired(ordered).size()).as(hits.toString()).isEqualTo(maximumMatching(hits));
      List<Hit> shuffled = new ArrayList<>(hits);
      Collections.shuffle(shuffled, random);
      assertThat(paired(sorted(shuffled))).isEqualTo(paired(ordered));
    }
  }

  private static List<Hit> sorted(List<Hit> hits) {
    List<Hit> ordered = new ArrayList<>(hits);
    ordered.sort(Comparator.comparingLong(Hit::time).thenComparing(Hit::key));
    return ordered;
  }

  private static List<String> paired(List<Hit> hits) {
    BitSet seen = SamePageview.seenByScript(hits, Hit::time, Hit::log, hit -> !hit.log(), Hit::page);
    List<String> keys = new ArrayList<>();
    seen.stream().forEach(i -> keys.add(hits.get(i).key()));
    return keys;
  }

  /** The largest number of disjoint (log, script) pairs of one page within 10 s: by trying every assignment. */
  private static int maximumMatching(List<Hit> hits) {
    List<Hit> logs = hits.stream().filter(Hit::log).toList();
    List<Hit> scripts = hits.stream().filter(hit -> !hit.log()).toList();
    return best(logs, 0, scripts, new boolean[scripts.size()]);
  }

  private static int best(List<Hit> logs, int at, List<Hit> scripts, boolean[] used) {
    if (at == logs.size()) {
      return 0;
    }
    int most = best(logs, at + 1, scripts, used); // this line unpaired
    Hit log = logs.get(at);
    for (int s = 0; s < scripts.size(); s++) {
      Hit script = scripts.get(s);
      if (!used[s] && script.page().equals(log.page()) && Math.abs(script.time() - log.time()) <= 10_000) {
        used[s] = true;
        most = Math.max(most, 1 + best(logs, at + 1, scripts, used));
        used[s] = false;
      }
    }
    return most;
  }
}
