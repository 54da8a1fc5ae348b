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
  void refusesAChunkOfTwoSitesOrAMalformedLine() {
    Random random = new Random(2);
    QueuedHit a = withSite(QueuedHitCodecTest.randomHit(random), "a.example");
    QueuedHit b = withSite(QueuedHitCodecTest.randomHit(random), "b.example");
    Map<String, String> twoSites = new HashMap<>(new ChunkEntry(List.of(a), List.of()).encode());
    twoSites.put(ChunkEntry.HITS, QueuedHitCodec.json(a) + "\n" + QueuedHitCodec.json(b) + "\n");
    assertThatThrownBy(() -> ChunkEntry.decode(twoSites)).isInstanceOf(IllegalArgumentException.class);
    Map<String, String> broken = new HashMap<>(new ChunkEntry(List.of(a), List.of()).encode());
    broken.put(ChunkEntry.HITS, QueuedHitCodec.json(a) + "\n{\"hitId\":\n");
    assertThatThrownBy(() -> ChunkEntry.decode(broken)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A reader asks for about a batch of items: thousands of beacon entries, or a few log chunks, never none. */
  @Test
  void readsAboutABatchOfItems() {
    assertThat(PartitionReader.countFor(4000, 8, 8)).isEqualTo(4000);
    assertThat(PartitionReader.countFor(4000, 8, 16_000)).isEqualTo(2);
    assertThat(PartitionReader.countFor(4000, 3, 30_000)).isEqualTo(1);
    assertThat(PartitionReader.countFor(4000, 100, 400)).isEqualTo(1000);
  }

  private static QueuedHit withSite(QueuedHit hit, String siteId) {
    return new QueuedHit(hit.hitId(), siteId, hit.timestamp(), hit.channel(), hit.eventName(), hit.url(), hit.referrer(),
        hit.screenWidth(), hit.props(), hit.engagementMs(), hit.clientEventId(), hit.visitorId(), hit.previousVisitorId(),
        hit.userAgent(), hit.browser(), hit.browserVersion(), hit.os(), hit.osVersion(), hit.device(), hit.bot(),
        hit.country(), hit.region(), hit.city());
  }
}
