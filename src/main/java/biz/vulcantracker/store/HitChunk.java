package biz.vulcantracker.store;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the {@code hit_chunks} table: the hits of one write whose visitors fall in one bucket
 * of a (site, day) partition. Cassandra's cost goes by rows and cells far more than by bytes, so a
 * row per hit would make this table the largest cost of the whole pipeline; a row per bucket and
 * write holds a batch's hits in at most {@value #BUCKETS} rows.
 *
 * <p>Buckets keep a scan's memory bounded: a visitor's hits are all in one bucket, so a scan holds
 * one bucket (a {@value #BUCKETS}th of the day) to put them together ({@link HitChunkScan}).
 *
 * @param day the partition's day (site time zone)
 * @param bucket which of the {@value #BUCKETS} buckets, by visitor id
 * @param key a digest of the chunk's hit keys: a write repeated with the same hits (a redelivered
 *     batch) rewrites the same row, and one with other hits adds a row, whose repeats the scan drops
 * @param hits the hits, in the order written
 */
public record HitChunk(LocalDate day, int bucket, String key, List<HitRow> hits) {

  /** Buckets per (site, day) partition: fewer rows per write against more of a day held per scan. */
  public static final int BUCKETS = 32;

  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(new TypeReference<List<Stored>>() {});
  private static final ObjectReader READER = Json.MAPPER.readerFor(new TypeReference<List<Stored>>() {});

  /** A hit as the {@code hits} column holds it (the day and bucket are the row's). */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private record Stored(long visitor, String key, long ts, String event, Long previous,
      Map<String, String> properties, Map<String, String> props, Boolean bot) {}

  public static int bucketOf(long visitorId) {
    return (int) Math.floorMod(visitorId, (long) BUCKETS);
  }

  /** A write's rows, split into one chunk per (day, bucket) they fall in. */
  public static List<HitChunk> split(List<HitRow> rows) {
    Map<LocalDate, Map<Integer, List<HitRow>>> byDay = new TreeMap<>();
    for (HitRow row : rows) {
      byDay.computeIfAbsent(row.day(), day -> new TreeMap<>())
          .computeIfAbsent(bucketOf(row.visitorId()), bucket -> new ArrayList<>())
          .add(row);
    }
    List<HitChunk> chunks = new ArrayList<>();
    byDay.forEach((day, buckets) -> buckets.forEach((bucket, hits) -> chunks.add(new HitChunk(day, bucket, keyOf(hits), hits))));
    return chunks;
  }

  private static String keyOf(List<HitRow> hits) {
    MessageDigest digest = sha256();
    for (HitRow hit : hits) {
      digest.update(hit.hitKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The {@code hits} column: a JSON array, readable in cqlsh. */
  public String hitsJson() {
    List<Stored> stored = new ArrayList<>(hits.size());
    for (HitRow hit : hits) {
      stored.add(new Stored(hit.visitorId(), hit.hitKey(), hit.timestamp(), hit.eventName(), hit.previousVisitorId(),
          hit.properties(), hit.props(), hit.bot() ? Boolean.TRUE : null));
    }
    try {
      return WRITER.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings and numbers always serialize", e);
    }
  }

  /** A row read back. */
  public static HitChunk of(LocalDate day, int bucket, String key, String hitsJson) {
    List<Stored> stored;
    try {
      stored = READER.readValue(hitsJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("hit_chunks row " + day + "/" + bucket + "/" + key + " is not a list of hits", e);
    }
    List<HitRow> hits = new ArrayList<>(stored.size());
    for (Stored hit : stored) {
      hits.add(new HitRow(day, hit.visitor(), hit.key(), hit.ts(), hit.previous(), hit.event(),
          hit.properties() == null ? Map.of() : hit.properties(), hit.props() == null ? Map.of() : hit.props(),
          Boolean.TRUE.equals(hit.bot())));
    }
    return new HitChunk(day, bucket, key, hits);
  }
}
