package biz.vulcantracker.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chunk of a site's log lines as a single stream entry: its hits (field {@value #HITS}, one
 * JSON document with each repeated string once: {@link ChunkHitsCodec}) and what the edge skipped of
 * the chunk (field {@value #LEDGER}, each {@link LedgerEntry}'s JSON on a line of its own: JSON
 * escapes every line break inside a string), with their number (field {@value #ITEMS}).
 *
 * <p>Why not an entry per hit, as beacons have: a log import queues hundreds of thousands of hits a
 * second, and per entry Redis parses, stores, delivers, acknowledges and deletes; the edge and the
 * consumer each handle one reply element per hit. One entry per chunk of up to a few thousand lines
 * makes that once per chunk. The items of an entry travel to their site's entity under ids of their
 * own ({@link EntryId#item}), ordered as entry ids are.
 */
public record ChunkEntry(List<QueuedHit> hits, List<LedgerEntry> ledger) {

  public static final String HITS = "hits";
  public static final String LEDGER = "chunk-ledger";
  public static final String ITEMS = "items";

  /** All its items are one site's: what keeps them in their site's partition. */
  public ChunkEntry {
    String siteId = !hits.isEmpty() ? hits.get(0).siteId() : !ledger.isEmpty() ? ledger.get(0).siteId() : null;
    for (QueuedHit hit : hits) {
      requireSite(siteId, hit.siteId());
    }
    for (LedgerEntry entry : ledger) {
      requireSite(siteId, entry.siteId());
    }
  }

  /** The entry's fields, in the order they are written. */
  public Map<String, String> encode() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(ITEMS, Integer.toString(hits.size() + ledger.size()));
    fields.put(HITS, ChunkHitsCodec.write(hits));
    StringBuilder text = new StringBuilder();
    for (LedgerEntry entry : ledger) {
      text.append(entry.encode().get(LedgerEntry.FIELD)).append('\n');
    }
    fields.put(LEDGER, text.toString());
    return fields;
  }

  /** Whether the fields are a chunk's. */
  public static boolean isChunk(Map<String, String> fields) {
    return fields != null && fields.containsKey(HITS);
  }

  /**
   * The items an entry holds for its consumer: a chunk's hits and ledger entries, one for any other
   * entry (a deleted or malformed one too: it is skipped by the consumer, as one).
   */
  public static int items(Map<String, String> fields) {
    if (!isChunk(fields)) {
      return 1;
    }
    try {
      return Math.max(1, Integer.parseInt(fields.getOrDefault(ITEMS, "1")));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Decodes a chunk's fields; throws {@link IllegalArgumentException} for a malformed one. */
  public static ChunkEntry decode(Map<String, String> fields) {
    String hitsText = fields.get(HITS);
    if (hitsText == null) {
      throw new IllegalArgumentException("entry has no '" + HITS + "' field");
    }
    List<QueuedHit> hits = ChunkHitsCodec.read(hitsText);
    List<LedgerEntry> ledger = new ArrayList<>();
    for (String line : fields.getOrDefault(LEDGER, "").split("\n")) {
      if (!line.isEmpty()) {
        ledger.add(LedgerEntry.decode(Map.of(LedgerEntry.FIELD, line)));
      }
    }
    return new ChunkEntry(hits, ledger);
  }

  /** The entry's site (an entry holds at least one item). */
  public String siteId() {
    return !hits.isEmpty() ? hits.get(0).siteId() : ledger.get(0).siteId();
  }

  private static void requireSite(String siteId, String other) {
    if (!siteId.equals(other)) {
      throw new IllegalArgumentException("a chunk entry holds the items of one site");
    }
  }
}
