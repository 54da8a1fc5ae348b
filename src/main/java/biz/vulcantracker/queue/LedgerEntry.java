package biz.vulcantracker.queue;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.model.Ledger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an edge refused or skipped of one site's input, as one stream entry in the site's partition
 * next to its hits (field {@value #FIELD}, JSON): the site entity adds it to the site's ledger once,
 * as it counts hits once ({@link Ledger}).
 *
 * @param siteId the site
 * @param counts per day (ISO date, the site's time zone) the count of each ledger key
 */
public record LedgerEntry(String siteId, Map<String, Map<String, Long>> counts) {

  /** The stream entry field that holds a ledger entry. */
  public static final String FIELD = "ledger";
  /** Days one entry names at most (a log chunk's lines may span many): an entry stays a few KB. */
  public static final int MAX_DAYS = 64;

  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(LedgerEntry.class);
  private static final ObjectReader READER = Json.MAPPER.readerFor(new TypeReference<LedgerEntry>() {});

  public Map<String, String> encode() {
    try {
      return Map.of(FIELD, WRITER.writeValueAsString(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a LedgerEntry is always serializable", e);
    }
  }

  /** One site's counts per day as entries of at most {@value #MAX_DAYS} days each (none for no counts). */
  public static List<LedgerEntry> of(String siteId, Map<LocalDate, Map<String, Long>> byDay) {
    List<LedgerEntry> entries = new ArrayList<>();
    Map<String, Map<String, Long>> days = new TreeMap<>();
    for (Map.Entry<LocalDate, Map<String, Long>> day : byDay.entrySet()) {
      if (days.size() == MAX_DAYS) {
        entries.add(new LedgerEntry(siteId, days));
        days = new TreeMap<>();
      }
      days.put(day.getKey().toString(), Map.copyOf(day.getValue()));
    }
    if (!days.isEmpty()) {
      entries.add(new LedgerEntry(siteId, days));
    }
    return entries;
  }

  /** Whether the fields are a ledger entry's rather than a hit's. */
  public static boolean isLedger(Map<String, String> fields) {
    return fields.containsKey(FIELD);
  }

  /** Decodes an entry's fields; throws {@link IllegalArgumentException} for a malformed one. */
  public static LedgerEntry decode(Map<String, String> fields) {
    LedgerEntry entry;
    try {
      entry = READER.readValue(fields.get(FIELD));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("entry is not a ledger entry: " + e.getOriginalMessage(), e);
    }
    if (entry.siteId() == null || entry.counts() == null || entry.counts().size() > MAX_DAYS) {
      throw new IllegalArgumentException("a ledger entry has a site and counts of at most " + MAX_DAYS + " days");
    }
    Map<String, Map<String, Long>> checked = new TreeMap<>();
    entry.counts().forEach((day, counts) -> {
      try {
        LocalDate.parse(day);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("a ledger entry's day is an ISO date: " + day);
      }
      if (counts == null) {
        throw new IllegalArgumentException("a ledger entry's day has counts");
      }
      counts.forEach((key, count) -> {
        if (!Ledger.isEdgeKey(key) || count == null || count < 0) {
          throw new IllegalArgumentException("not a ledger key an edge sends, or a negative count: " + key);
        }
      });
      checked.put(day, Map.copyOf(counts));
    });
    return new LedgerEntry(entry.siteId(), checked);
  }
}
