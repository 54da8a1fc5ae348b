package biz.vulcantracker.store;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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

  /** The first format's hits had their keys in the dictionary and their visitor ids as varints; still read. */
  private static final int FIRST_FORMAT = 1;
  private static final int PACKED_FORMAT = 2;
  private static final int HAS_PREVIOUS = 1;
  private static final int BOT = 2;
  private static final ObjectReader READER = Json.MAPPER.readerFor(new TypeReference<List<Stored>>() {});

  /** A hit as the {@code hits} column of JSON held it, before the {@code packed} column (the day and bucket are the row's). */
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

  /**
   * The {@code packed} column: a format number, the chunk's distinct strings once (a batch's hits
   * repeat their pages, browsers, countries and property names), then each hit with its strings as
   * indexes into them, its time as the difference from the previous hit's, and what is its own (its
   * key, its visitor ids: random, so eight bytes each) in place.
   */
  public ByteBuffer packed() {
    Object2IntOpenHashMap<String> ids = new Object2IntOpenHashMap<>();
    List<String> strings = new ArrayList<>();
    int[] refs = new int[hits.size() * 16];
    int r = 0;
    for (HitRow hit : hits) {
      int needed = r + 1 + 2 * (hit.properties().size() + hit.props().size());
      if (needed > refs.length) {
        refs = Arrays.copyOf(refs, Math.max(needed, refs.length * 2));
      }
      refs[r++] = idOf(hit.eventName(), ids, strings);
      for (Map.Entry<String, String> entry : hit.properties().entrySet()) {
        refs[r++] = idOf(entry.getKey(), ids, strings);
        refs[r++] = idOf(entry.getValue(), ids, strings);
      }
      for (Map.Entry<String, String> entry : hit.props().entrySet()) {
        refs[r++] = idOf(entry.getKey(), ids, strings);
        refs[r++] = idOf(entry.getValue(), ids, strings);
      }
    }
    PackedBytes.Writer out = new PackedBytes.Writer(80 * hits.size() + 16 * strings.size());
    out.varint(PACKED_FORMAT);
    out.varint(strings.size());
    strings.forEach(out::string);
    out.varint(hits.size());
    r = 0;
    long previousTime = 0;
    for (HitRow hit : hits) {
      out.varint((hit.previousVisitorId() != null ? HAS_PREVIOUS : 0) | (hit.bot() ? BOT : 0));
      out.fixedLong(hit.visitorId());
      if (hit.previousVisitorId() != null) {
        out.fixedLong(hit.previousVisitorId());
      }
      out.varlong(hit.timestamp() - previousTime);
      previousTime = hit.timestamp();
      out.string(hit.hitKey());
      out.varint(refs[r++]);
      r = pairs(out, hit.properties().size(), refs, r);
      r = pairs(out, hit.props().size(), refs, r);
    }
    return ByteBuffer.wrap(out.bytes());
  }

  private static int pairs(PackedBytes.Writer out, int pairs, int[] refs, int r) {
    out.varint(pairs);
    for (int i = 0; i < 2 * pairs; i++) {
      out.varint(refs[r++]);
    }
    return r;
  }

  /** A string's index in the chunk's dictionary, plus one (0: none). */
  private static int idOf(String value, Object2IntOpenHashMap<String> ids, List<String> strings) {
    if (value == null) {
      return 0;
    }
    int id = ids.putIfAbsent(value, strings.size() + 1);
    if (id == 0) { // the map's default: the value was not in it
      strings.add(value);
      return strings.size();
    }
    return id;
  }

  /** A row read back from its {@code packed} column. */
  public static HitChunk of(LocalDate day, int bucket, String key, ByteBuffer packed) {
    String row = "hit_chunks row " + day + "/" + bucket + "/" + key;
    PackedBytes.Reader in = new PackedBytes.Reader(packed.duplicate(), row);
    try {
      int format = in.varint();
      if (format != PACKED_FORMAT && format != FIRST_FORMAT) {
        throw new IllegalArgumentException(row + " is of another format");
      }
      boolean first = format == FIRST_FORMAT;
      String[] strings = new String[in.count()];
      for (int i = 0; i < strings.length; i++) {
        strings[i] = in.string();
      }
      int count = in.count();
      List<HitRow> hits = new ArrayList<>(count);
      long time = 0;
      for (int h = 0; h < count; h++) {
        int flags = in.varint();
        long visitor = first ? in.varlong() : in.fixedLong();
        Long previous = (flags & HAS_PREVIOUS) == 0 ? null : first ? in.varlong() : in.fixedLong();
        time += in.varlong();
        String hitKey = first ? stringOf(strings, in.id(strings.length)) : in.string();
        String event = stringOf(strings, in.id(strings.length));
        Map<String, String> properties = mapOf(in, strings);
        Map<String, String> props = mapOf(in, strings);
        hits.add(new HitRow(day, visitor, hitKey, time, previous, event, properties, props, (flags & BOT) != 0));
      }
      if (!in.atEnd()) {
        throw new IllegalArgumentException(row + " has bytes after its hits");
      }
      return new HitChunk(day, bucket, key, hits);
    } catch (BufferUnderflowException | ArithmeticException e) {
      throw new IllegalArgumentException(row + " is cut short or damaged", e);
    }
  }

  private static Map<String, String> mapOf(PackedBytes.Reader in, String[] strings) {
    int size = in.count();
    if (size == 0) {
      return Map.of();
    }
    Map<String, String> map = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      map.put(stringOf(strings, in.id(strings.length)), stringOf(strings, in.id(strings.length)));
    }
    return map;
  }

  private static String stringOf(String[] strings, int id) {
    return id < 0 ? null : strings[id];
  }

  /** A row written before the {@code packed} column, from its {@code hits} column of JSON. */
  public static HitChunk ofJson(LocalDate day, int bucket, String key, String hitsJson) {
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
