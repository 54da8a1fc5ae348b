package biz.vulcantracker.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.model.Ledger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkEntryTest {

  /** Every hit's fields (line breaks, quotes, control characters among them) and the ledger survive, in order. */
  @Test
  void decodesWhatItEncodesInOrder() {
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      List<QueuedHit> hits = new ArrayList<>();
      int size = random.nextInt(300);
      for (int i = 0; i < size; i++) {
        QueuedHit hit = QueuedHitCodecTest.randomHit(random);
        hits.add(withSite(hit, "shop.example"));
      }
      List<LedgerEntry> ledger = round % 3 == 0 ? List.of()
          : List.of(new LedgerEntry("shop.example", Map.of("2026-11-27", Map.of(Ledger.skipped("bot"), (long) round))),
              new LedgerEntry("shop.example", Map.of("2026-11-28", Map.of(Ledger.skipped("status"), 2L))));
      if (hits.isEmpty() && ledger.isEmpty()) {
        continue;
      }
      Map<String, String> fields = new ChunkEntry(hits, ledger).encode();
      assertThat(ChunkEntry.isChunk(fields)).isTrue();
      assertThat(ChunkEntry.items(fields)).isEqualTo(hits.size() + ledger.size());
      ChunkEntry decoded = ChunkEntry.decode(fields);
      assertThat(decoded.hits()).isEqualTo(hits);
      assertThat(decoded.ledger()).isEqualTo(ledger);
    }
  }

  @Test
  void anEntryOfOneHitOrLedgerIsOneItem() {
    QueuedHit hit = withSite(QueuedHitCodecTest.randomHit(new Random(1)), "a.example");
    assertThat(ChunkEntry.isChunk(QueuedHitCodec.encode(hit))).isFalse();
    assertThat(ChunkEntry.items(QueuedHitCodec.encode(hit))).isEqualTo(1);
    assertThat(ChunkEntry.items(null)).as("a deleted entry").isEqualTo(1);
    Map<String, String> odd = new HashMap<>(new ChunkEntry(List.of(hit), List.of()).encode());
    odd.put(ChunkEntry.ITEMS, "many");
    assertThat(ChunkEntry.items(odd)).as("a malformed count").isEqualTo(1);
  }

  @Test
  void refusesAChunkOfTwoSitesOrMalformedHits() {
    Random random = new Random(2);
    QueuedHit a = withSite(QueuedHitCodecTest.randomHit(random), "a.example");
    QueuedHit b = withSite(QueuedHitCodecTest.randomHit(random), "b.example");
    Map<String, String> twoSites = new HashMap<>(new ChunkEntry(List.of(a), List.of()).encode());
    twoSites.put(ChunkEntry.HITS, ChunkHitsCodec.write(List.of(a, b)));
    assertThatThrownBy(() -> ChunkEntry.decode(twoSites)).isInstanceOf(IllegalArgumentException.class);
    Map<String, String> broken = new HashMap<>(new ChunkEntry(List.of(a), List.of()).encode());
    String whole = ChunkHitsCodec.write(List.of(a, withSite(b, "a.example")));
    String siteIndex = "\"hits\":[[" + text(a.hitId()) + ",0,";
    assertThat(whole).contains(siteIndex);
    List<String> damaged = List.of(
        whole.substring(0, whole.length() / 2),                           // cut short
        whole.replace(siteIndex, "\"hits\":[[" + text(a.hitId()) + ",99999,"), // a string index out of range
        whole.replace(siteIndex, "\"hits\":[[" + text(a.hitId()) + ",\"a\","), // a string in place of an index
        "{\"strings\":[],\"hits\":[[]]}",                                   // a hit without its fields
        "[]");
    for (String text : damaged) {
      broken.put(ChunkEntry.HITS, text);
      assertThatThrownBy(() -> ChunkEntry.decode(broken)).as(text).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Each repeated string is written once, and the decoded hits share its one instance. */
  @Test
  void writesARepeatedStringOnceAndDecodesItAsOneInstance() {
    Random random = new Random(3);
    QueuedHit first = withSite(QueuedHitCodecTest.randomHit(random), "shop.example");
    QueuedHit second = new QueuedHit("hit-2", "shop.example", first.timestamp() + 1, first.channel(), first.eventName(),
        first.url(), first.referrer(), null, null, null, null, "00000000000000bb", null, null, "Firefox", "133", "Linux",
        null, "desktop", false, first.country(), first.region(), "Zürich \"Altstadt\"");
    QueuedHit third = new QueuedHit("hit-3", "shop.example", first.timestamp() + 2, first.channel(), first.eventName(),
        first.url(), null, null, null, null, null, "00000000000000bb", null, null, "Firefox", "133", "Linux",
        null, "desktop", false, first.country(), first.region(), "Zürich \"Altstadt\"");
    String text = ChunkHitsCodec.write(List.of(first, second, third));
    assertThat(text.split("Altstadt", -1)).hasSize(2);
    List<QueuedHit> decoded = ChunkHitsCodec.read(text);
    assertThat(decoded).containsExactly(first, second, third);
    assertThat(decoded.get(1).city()).isSameAs(decoded.get(2).city());
    assertThat(decoded.get(1).browser()).isSameAs(decoded.get(2).browser());
    assertThat(decoded.get(0).url()).isSameAs(decoded.get(2).url());
  }

  /**
   * Consecutive hits with the very same instances in a field, equal copies, other values and none,
   * in every shared field: each decodes with its own values.
   */
  @Test
  void hitsRepeatingTheirNeighboursInstancesDecodeWithTheirOwnValues() {
    Random random = new Random(4);
    String[] pool = {"a", "b", "Zürich"};
    java.util.function.Supplier<String> pick = () -> switch (random.nextInt(5)) {
      case 0, 1 -> pool[random.nextInt(pool.length)];
      case 2 -> new String(pool[0]);
      case 3 -> "v" + random.nextInt(40);
      default -> null;
    };
    List<QueuedHit> hits = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      hits.add(new QueuedHit("hit-" + i, "shop.example", 1_000L + i, pick.get(), pick.get(), pick.get(), pick.get(), null,
          random.nextInt(4) == 0 ? Map.of(pool[random.nextInt(3)], pool[random.nextInt(3)]) : null, null, null,
          "00000000000000bb", null, pick.get(), pick.get(), pick.get(), pick.get(), pick.get(), pick.get(), false,
          pick.get(), pick.get(), pick.get()));
    }
    assertThat(ChunkHitsCodec.read(ChunkHitsCodec.write(hits))).isEqualTo(hits);
  }

  /** A reader asks for about a batch of items: thousands of beacon entries, or a few log chunks, never none. */
  @Test
  void readsAboutABatchOfItems() {
    assertThat(PartitionReader.countFor(4000, 8, 8)).isEqualTo(4000);
    assertThat(PartitionReader.countFor(4000, 8, 16_000)).isEqualTo(2);
    assertThat(PartitionReader.countFor(4000, 3, 30_000)).isEqualTo(1);
    assertThat(PartitionReader.countFor(4000, 100, 400)).isEqualTo(1000);
  }

  private static String text(String value) {
    StringBuilder out = new StringBuilder();
    QueuedHitCodec.quoted(out, value);
    return out.toString();
  }

  private static QueuedHit withSite(QueuedHit hit, String siteId) {
    return new QueuedHit(hit.hitId(), siteId, hit.timestamp(), hit.channel(), hit.eventName(), hit.url(), hit.referrer(),
        hit.screenWidth(), hit.props(), hit.engagementMs(), hit.clientEventId(), hit.visitorId(), hit.previousVisitorId(),
        hit.userAgent(), hit.browser(), hit.browserVersion(), hit.os(), hit.osVersion(), hit.device(), hit.bot(),
        hit.country(), hit.region(), hit.city());
  }
}
