package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.store.HitRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scan's sequencer leaves out of all traffic the log pageviews the script also sent, as the live model does. */
class VisitSequencerTest {

  private static final long NOON = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();
  private static final LocalDate DAY = LocalDate.of(2026, 11, 30);

  @Test
  void aLogPageviewTheScriptAlsoSentCountsOnce() {
    List<SequencedVisit> visits = new ArrayList<>();
    VisitSequencer sequencer = new VisitSequencer(ZoneOffset.UTC, visits::add);
    // Visitor 1: / by both (the line 2 s first), /pricing by the log alone (blocked script), /docs
    // by both again but 12 s apart (not the same pageview). By hand: 4 pageviews in one visit.
    // Visitor 2: the log's / and visitor 1's beacon of it are other people's: 1 pageview.
    List<HitRow> scan = new ArrayList<>(List.of(
        hit(1, "l1", 0, "log", "/"), hit(1, "b1", 2_000, "beacon", "/"), hit(1, "l2", 60_000, "log", "/pricing"),
        hit(1, "l3", 120_000, "log", "/docs"), hit(1, "b3", 132_000, "beacon", "/docs")));
    scan.add(hit(2, "l4", 1_000, "log", "/"));
    scan.forEach(sequencer::accept);
    sequencer.finish();
    assertThat(visits).hasSize(2);
    SequencedVisit first = visits.stream().filter(v -> v.visitorId == 1).findFirst().orElseThrow();
    assertThat(first.pageviews).isEqualTo(4);
    assertThat(first.hits).extracting(HitRow::hitKey).containsExactly("b1", "l2", "l3", "b3");
    assertThat(visits.stream().filter(v -> v.visitorId == 2).findFirst().orElseThrow().pageviews).isEqualTo(1);
  }

  @Test
  void hitsOfTheSameMillisecondAreSequencedByTheDigestOfTheirKeysAsTheRollupsDo() {
    List<SequencedVisit> visits = new ArrayList<>();
    VisitSequencer sequencer = new VisitSequencer(ZoneOffset.UTC, visits::add);
    // SHA-256 begins 015f7e6b for "k2" and 6ab9f1eb for "k1" (HitOrderTest): k2 comes first, though "k1" < "k2".
    List<HitRow> scan = new ArrayList<>(List.of(hit(1, "k1", 0, "beacon", "/pricing"), hit(1, "k2", 0, "beacon", "/")));
    scan.forEach(sequencer::accept);
    sequencer.finish();
    assertThat(visits).singleElement().satisfies(visit -> assertThat(visit.hits).extracting(HitRow::hitKey).containsExactly("k2", "k1"));
  }

  private static HitRow hit(long visitor, String key, long offset, String origin, String page) {
    return new HitRow(DAY, visitor, key, NOON + offset, null, "pageview", Map.of("page", page, "channel", origin), null, false);
  }
}
