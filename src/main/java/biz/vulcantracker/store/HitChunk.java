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

  /**
   * The first format's hits had their keys in the dictionary, their visitor ids as varints and their
   * properties as pairs of names and values; still read.
   */
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
   * The {@code packed} column: a format number; the chunk's distinct strings once (a batch's hits
   * repeat their pages, browsers, countries and property names); its distinct shapes once (a
   * shape: the names of a hit's properties, in order; a batch's hits have a few); then each hit with
   * its time as the difference from the previous hit's, what is its own (its key, its visitor ids:
   * random, so eight bytes each) in place, its properties as its shape and their values, and its
   * strings as indexes into the dictionary.
   */
  public ByteBuffer packed() {
    Object2IntOpenHashMap<String> ids = new Object2IntOpenHashMap<>();
    List<String> strings = new ArrayList<>();
    Map<List<String>, Integer> shapeIds = new HashMap<>();
    List<int[]> shapes = new ArrayList<>();
    String[] lastNames = new String[0];
    int lastShape = -1;
    String[] names = new String[0];
    String[] values = new String[0];
    String[] lastValues = new String[0];
    int[] lastValueRefs = new int[0];
    int[] refs = new int[hits.size() * 16];
    int r = 0;
    for (HitRow hit : hits) {
      Map<String, String> properties = hit.properties();
      int needed = r + 2 + properties.size() + 2 * hit.props().size();
      if (needed > refs.length) {
        refs = Arrays.copyOf(refs, Math.max(needed, refs.length * 2));
      }
      refs[r++] = idOf(hit.eventName(), ids, strings);
      int shapeAt = r++;
      if (names.length < properties.size()) {
        names = new String[properties.size()];
        values = new String[properties.size()];
        lastValues = Arrays.copyOf(lastValues, properties.size());
        lastValueRefs = Arrays.copyOf(lastValueRefs, properties.size());
      }
      int count = entriesOf(properties, names, values);
      // Most hits have the last hit's shape: their names are the same constants, compared as such.
      boolean sameShape = count == lastNames.length;
      for (int n = 0; n < count; n++) {
        String value = values[n];
        sameShape = sameShape && names[n] == lastNames[n];
        // A value that is the very instance the last hit had in this place (its host, its browser, a
        // batch's shared strings) has that one's index: no lookup in the dictionary.
        int ref = value == lastValues[n] ? lastValueRefs[n] : idOf(value, ids, strings);
        lastValues[n] = value;
        lastValueRefs[n] = ref;
        refs[r++] = ref;
      }
      if (!sameShape) {
        String[] shapeNames = Arrays.copyOf(names, count);
        Integer shape = shapeIds.get(Arrays.asList(shapeNames));
        if (shape == null) {
          shape = shapes.size();
          shapeIds.put(Arrays.asList(shapeNames), shape);
          shapes.add(Arrays.stream(shapeNames).mapToInt(name -> idOf(name, ids, strings)).toArray());
        }
        lastNames = shapeNames;
        lastShape = shape;
      }
      refs[shapeAt] = lastShape;
      for (Map.Entry<String, String> entry : hit.props().entrySet()) {
        refs[r++] = idOf(entry.getKey(), ids, strings);
        refs[r++] = idOf(entry.getValue(), ids, strings);
      }
    }
    PackedBytes.Writer out = new PackedBytes.Writer(64 * hits.size() + 16 * strings.size());
    out.varint(PACKED_FORMAT);
    out.varint(strings.size());
    strings.forEach(out::string);
    out.varint(shapes.size());
    for (int[] shape : shapes) {
      out.varint(shape.length);
      for (int name : shape) {
        out.varint(name);
      }
    }
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
      out.varint(refs[r++]); // the event
      out.varint(refs[r++]); // the shape
      for (int i = 0; i < hit.properties().size(); i++) {
        out.varint(refs[r++]);
      }
      out.varint(hit.props().size());
      for (int i = 0; i < 2 * hit.props().size(); i++) {
        out.varint(refs[r++]);
      }
    }
    return ByteBuffer.wrap(out.bytes());
  }

  /** Fills {@code names} and {@code values} with the entries of {@code properties}, in its order; their count. */
  private static int entriesOf(Map<String, String> properties, String[] names, String[] values) {
    int n = 0;
    if (properties instanceof HitProperties columns) {
      for (int place = 0; place < HitProperties.COLUMNS.size(); place++) {
        String value = columns.at(place);
        if (value != null) {
          names[n] = HitProperties.COLUMNS.get(place);
          values[n++] = value;
        }
      }
    } else {
      for (Map.Entry<String, String> entry : properties.entrySet()) {
        names[n] = entry.getKey();
        values[n++] = entry.getValue();
      }
    }
    return n;
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
      String[][] shapes = new String[first ? 0 : in.count()][];
      for (int i = 0; i < shapes.length; i++) {
        shapes[i] = new String[in.count()];
        for (int n = 0; n < shapes[i].length; n++) {
          int name = in.id(strings.length);
          if (name < 0) {
            throw new IllegalArgumentException(row + " has a property without a name");
          }
          shapes[i][n] = strings[name];
        }
      }
      int[][] columnPlaces = new int[shapes.length][];
      for (int i = 0; i < shapes.length; i++) {
        columnPlaces[i] = placesOf(shapes[i]);
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
        Map<String, String> properties = first ? mapOf(in, strings) : shapedMapOf(in, strings, shapes, columnPlaces);
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

  /** A hit's properties as its shape (an index into the chunk's shapes) and a value of each of its names. */
  private static Map<String, String> shapedMapOf(PackedBytes.Reader in, String[] strings, String[][] shapes, int[][] columnPlaces) {
    int shape = in.varint();
    if (shape < 0 || shape >= shapes.length) {
      throw new IllegalArgumentException("a damaged " + in.what() + ": shape " + shape + " of " + shapes.length);
    }
    String[] names = shapes[shape];
    if (names.length == 0) {
      return Map.of();
    }
    int[] places = columnPlaces[shape];
    if (places != null) {
      String[] values = new String[HitProperties.COLUMNS.size()];
      for (int place : places) {
        values[place] = stringOf(strings, in.id(strings.length));
      }
      return HitProperties.of(values);
    }
    Map<String, String> map = new HashMap<>(names.length * 2);
    for (String name : names) {
      map.put(name, stringOf(strings, in.id(strings.length)));
    }
    return map;
  }

  /**
   * Where each name of a shape stands in {@link HitProperties#COLUMNS}, so that its hits are read
   * into one; null when a name is none of them or comes twice (then into a map, as written).
   */
  private static int[] placesOf(String[] names) {
    int[] places = new int[names.length];
    boolean[] seen = new boolean[HitProperties.COLUMNS.size()];
    for (int n = 0; n < names.length; n++) {
      int place = HitProperties.placeOf(names[n]);
      if (place < 0 || seen[place]) {
        return null;
      }
      seen[place] = true;
      places[n] = place;
    }
    return places;
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
