package biz.vulcantracker.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A ledger entry in the stream: round trip, bounded, and only the edge's own keys taken. */
class LedgerEntryTest {

  @Test
  void roundTripsAndSplitsIntoBoundedEntries() {
    Map<LocalDate, Map<String, Long>> byDay = new TreeMap<>();
    for (int d = 0; d < LedgerEntry.MAX_DAYS + 1; d++) {
      byDay.put(LocalDate.of(2026, 1, 1).plusDays(d), Map.of("skipped:static", (long) d + 1));
    }
    var entries = LedgerEntry.of("a.example", byDay);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).counts()).hasSize(LedgerEntry.MAX_DAYS);
    LedgerEntry decoded = LedgerEntry.decode(entries.get(1).encode());
    assertThat(decoded.siteId()).isEqualTo("a.example");
    assertThat(decoded.counts()).isEqualTo(Map.of("2026-03-06", Map.of("skipped:static", 65L)));
    assertThat(LedgerEntry.isLedger(entries.get(0).encode())).isTrue();
  }

  @Test
  void refusesWhatNoEdgeSends() {
    for (String json : new String[] {
        "{\"siteId\": \"a.example\", \"counts\": {\"2026-01-01\": {\"stored:hit_id\": 5}}}",
        "{\"siteId\": \"a.example\", \"counts\": {\"2026-01-01\": {\"refused:Not A Code\": 1}}}",
        "{\"siteId\": \"a.example\", \"counts\": {\"2026-01-01\": {\"refused:origin_not_allowed\": -3}}}",
        "{\"siteId\": \"a.example\", \"counts\": {\"yesterday\": {\"skipped:static\": 1}}}",
        "{\"counts\": {}}",
        "{\"siteId\": \"a.example\", \"counts\": {\"2026-01-01\": null}}",
        "[1, 2]"}) {
      assertThatThrownBy(() -> LedgerEntry.decode(Map.of(LedgerEntry.FIELD, json))).as(json).isInstanceOf(IllegalArgumentException.class);
    }
    StringBuilder days = new StringBuilder("{\"siteId\": \"a.example\", \"counts\": {");
    for (int d = 0; d <= LedgerEntry.MAX_DAYS; d++) {
      days.append(d == 0 ? "" : ",").append('"').append(LocalDate.of(2026, 1, 1).plusDays(d)).append("\": {}");
    }
    assertThatThrownBy(() -> LedgerEntry.decode(Map.of(LedgerEntry.FIELD, days + "}}"))).isInstanceOf(IllegalArgumentException.class);
  }
}
