package biz.vulcantracker.store;

import biz.vulcantracker.model.Property;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The visits that started on one day of a site (site time zone), with all their hits, in columns:
 * what the reports counted from the hits read instead of the hits table's chunks. Every string
 * is an index into one dictionary of the segment's distinct strings; a visit keeps the values of
 * its first hit once ({@link #VISIT_COLUMNS}), a hit its own page and hostname ({@link #HIT_COLUMNS}),
 * its event name and custom properties. So a filter is matched against each distinct value once,
 * not against every hit, and a day's visits take tens of bytes per hit instead of hundreds.
 *
 * <p>A segment is derived from the hits table, never the truth: it records the site it was built for
 * (its creation time: a site deleted and made again under the same id is another) and how many
 * distinct hits the day before, the day and the day after held when it was built ({@link #versions}),
 * and is used only while the hits table's counts ({@code hit_days}) still say the same. A day's set
 * of hits only grows, so an equal count is an equal set.
 */
public final class VisitSegment {

  /** Columns a visit takes from its first hit: {@link Property#HIT_COLUMNS} that are not a single hit's. */
  public static final List<String> VISIT_COLUMNS = Property.HIT_COLUMNS.stream().filter(c -> !Property.isHitLevel(c)).toList();
  /** Columns each hit has its own value of (page, hostname). */
  public static final List<String> HIT_COLUMNS = Property.HIT_COLUMNS.stream().filter(Property::isHitLevel).toList();
  /** Where no value is: a missing property. */
  public static final int NONE = -1;
  private static final int FORMAT = 2; // 2: log pageviews the script also sent are left out of visits
  /** The site's creation time and three days' counts. */
  public static final int VERSIONS = 4;

  private final LocalDate day;
  private final long[] versions;
  private final String[] strings;
  private final long[] visitorIds;
  private final int[] firstHit;
  private final int[] visitValues;
  private final long[] timestamps;
  private final long[] hitVisitorIds;
  private final int[] dayOffsets;
  private final int[] events;
  private final int[] hitValues;
  private final int[] propStart;
  private final int[] propKeys;
  private final int[] propValues;
  private final int[] botNames;
  private final long[] botCounts;

  private VisitSegment(LocalDate day, long[] versions, String[] strings, long[] visitorIds, int[] firstHit, int[] visitValues,
      long[] timestamps, long[] hitVisitorIds, int[] dayOffsets, int[] events, int[] hitValues, int[] propStart, int[] propKeys,
      int[] propValues, int[] botNames, long[] botCounts) {
    this.day = day;
    this.versions = versions;
    this.strings = strings;
    this.visitorIds = visitorIds;
    this.firstHit = firstHit;
    this.visitValues = visitValues;
    this.timestamps = timestamps;
    this.hitVisitorIds = hitVisitorIds;
    this.dayOffsets = dayOffsets;
    this.events = events;
    this.hitValues = hitValues;
    this.propStart = propStart;
    this.propKeys = propKeys;
    this.propValues = propValues;
    this.botNames = botNames;
    this.botCounts = botCounts;
  }

  public LocalDate day() {
    return day;
  }

  /** What the segment was built from: the site's creation time (ms), the distinct hits of the day before, the day and the day after. */
  public long[] versions() {
    return versions.clone();
  }

  /** The distinct hits of the segment's day when it was built. */
  public long hits() {
    return versions[2];
  }

  /** Whether the segment was built from what these {@link #versions} describe. */
  public boolean isBuiltFrom(long[] wanted) {
    return Arrays.equals(versions, wanted);
  }

  public int visits() {
    return visitorIds.length;
  }

  public String string(int id) {
    return id == NONE ? null : strings[id];
  }

  public int strings() {
    return strings.length;
  }

  public long visitorId(int visit) {
    return visitorIds[visit];
  }

  /** The visit's hits are {@code firstHit(visit)} up to (not including) {@code firstHit(visit + 1)}. */
  public int firstHit(int visit) {
    return firstHit[visit];
  }

  /** The dictionary id of the visit's value of {@code VISIT_COLUMNS.get(column)}, or {@link #NONE}. */
  public int visitValue(int visit, int column) {
    return visitValues[visit * VISIT_COLUMNS.size() + column];
  }

  public long timestamp(int hit) {
    return timestamps[hit];
  }

  public long hitVisitorId(int hit) {
    return hitVisitorIds[hit];
  }

  /** The hit's day, in days after the segment's (a visit across midnight has hits of the next day). */
  public int dayOffset(int hit) {
    return dayOffsets[hit];
  }

  public int event(int hit) {
    return events[hit];
  }

  /** The dictionary id of the hit's value of {@code HIT_COLUMNS.get(column)}, or {@link #NONE}. */
  public int hitValue(int hit, int column) {
    return hitValues[hit * HIT_COLUMNS.size() + column];
  }

  /** The hit's custom properties are {@code propStart(hit)} up to {@code propStart(hit + 1)}. */
  public int propStart(int hit) {
    return propStart[hit];
  }

  public int propKey(int prop) {
    return propKeys[prop];
  }

  public int propValue(int prop) {
    return propValues[prop];
  }

  /** The day's hits of known bots by the bot's name ({@code null}: a name not kept). */
  public Map<String, Long> bots() {
    Map<String, Long> bots = new HashMap<>();
    for (int i = 0; i < botNames.length; i++) {
      bots.merge(Objects.toString(string(botNames[i]), "(unknown)"), botCounts[i], Long::sum);
    }
    return bots;
  }

  /** About how many bytes of heap the segment holds, for a cache bounded in bytes. */
  public long heapBytes() {
    long bytes = 200L + 8L * (versions.length + visitorIds.length + timestamps.length + hitVisitorIds.length + botCounts.length)
        + 4L * (firstHit.length + visitValues.length + dayOffsets.length + events.length + hitValues.length + propStart.length
            + propKeys.length + propValues.length + botNames.length);
    for (String s : strings) {
      bytes += 56 + s.length();
    }
    return bytes;
  }

  public static Builder builder(LocalDate day) {
    return new Builder(day);
  }

  /** Collects a day's visits, each followed by its hits in time order, and its bots. */
  public static final class Builder {
    private final LocalDate day;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> strings = new ArrayList<>();
    private final LongArrayList visitorIds = new LongArrayList();
    private final IntArrayList firstHit = new IntArrayList();
    private final IntArrayList visitValues = new IntArrayList();
    private final LongArrayList timestamps = new LongArrayList();
    private final LongArrayList hitVisitorIds = new LongArrayList();
    private final IntArrayList dayOffsets = new IntArrayList();
    private final IntArrayList events = new IntArrayList();
    private final IntArrayList hitValues = new IntArrayList();
    private final IntArrayList propStart = new IntArrayList();
    private final IntArrayList propKeys = new IntArrayList();
    private final IntArrayList propValues = new IntArrayList();
    private final Map<Integer, Long> bots = new HashMap<>();
    private boolean firstOfVisit;

    private Builder(LocalDate day) {
      this.day = day;
    }

    /** Starts a visit; the hits added next are its hits, the first one giving its values. */
    public Builder visit(long visitorId) {
      visitorIds.add(visitorId);
      firstHit.add(timestamps.size());
      firstOfVisit = true;
      return this;
    }

    public Builder hit(HitRow hit) {
      if (visitorIds.size() == 0) {
        throw new IllegalStateException("a hit before any visit");
      }
      if (firstOfVisit) {
        for (String column : VISIT_COLUMNS) {
          visitValues.add(id(hit.property(column)));
        }
        firstOfVisit = false;
      }
      timestamps.add(hit.timestamp());
      hitVisitorIds.add(hit.visitorId());
      dayOffsets.add(Math.toIntExact(hit.day().toEpochDay() - day.toEpochDay()));
      events.add(id(hit.eventName()));
      for (String column : HIT_COLUMNS) {
        hitValues.add(id(hit.property(column)));
      }
      propStart.add(propKeys.size());
      if (hit.props() != null) {
        hit.props().forEach((key, value) -> {
          propKeys.add(id(key));
          propValues.add(id(value));
        });
      }
      return this;
    }

    /** A hit of a known bot on the segment's day ({@code name} null when not kept). */
    public Builder bot(String name) {
      bots.merge(id(name), 1L, Long::sum);
      return this;
    }

    private int id(String value) {
      if (value == null) {
        return NONE;
      }
      Integer id = ids.get(value);
      if (id == null) {
        id = strings.size();
        ids.put(value, id);
        strings.add(value);
      }
      return id;
    }

    public VisitSegment build(long[] versions) {
      if (versions.length != VERSIONS) {
        throw new IllegalArgumentException("versions are the site's creation time and the counts of the day before, the day and the day after");
      }
      if (visitorIds.size() > 0 && firstOfVisit) {
        throw new IllegalStateException("a visit without hits");
      }
      IntArrayList starts = new IntArrayList(firstHit);
      starts.add(timestamps.size());
      IntArrayList props = new IntArrayList(propStart);
      props.add(propKeys.size());
      int[] names = new int[bots.size()];
      long[] counts = new long[bots.size()];
      int i = 0;
      for (Map.Entry<Integer, Long> bot : bots.entrySet()) {
        names[i] = bot.getKey();
        counts[i++] = bot.getValue();
      }
      return new VisitSegment(day, versions.clone(), strings.toArray(String[]::new), visitorIds.toLongArray(), starts.toIntArray(),
          visitValues.toIntArray(), timestamps.toLongArray(), hitVisitorIds.toLongArray(), dayOffsets.toIntArray(), events.toIntArray(),
          hitValues.toIntArray(), props.toIntArray(), propKeys.toIntArray(), propValues.toIntArray(), names, counts);
    }
  }

  /**
   * The segment as bytes: a format number, then each column as variable-length integers (times as
   * differences from the previous hit, a hit's visitor id as its difference from the visit's), so a
   * hit takes a dozen bytes or so.
   */
  public byte[] encode() {
    PackedBytes.Writer out = new PackedBytes.Writer(1 << 16);
    out.varint(FORMAT);
    out.varlong(day.toEpochDay());
    out.varint(VISIT_COLUMNS.size());
    out.varint(HIT_COLUMNS.size());
    for (long version : versions) {
      out.varlong(version);
    }
    out.varint(strings.length);
    for (String s : strings) {
      out.string(s);
    }
    int visits = visitorIds.length;
    out.varint(visits);
    out.varint(timestamps.length);
    out.varint(propKeys.length);
    long previousStart = 0;
    for (int v = 0; v < visits; v++) {
      out.varlong(visitorIds[v]);
      out.varint(firstHit[v + 1] - firstHit[v]);
      for (int c = 0; c < VISIT_COLUMNS.size(); c++) {
        out.varint(visitValues[v * VISIT_COLUMNS.size() + c] + 1);
      }
      long previous = previousStart;
      for (int h = firstHit[v]; h < firstHit[v + 1]; h++) {
        out.varlong(timestamps[h] - previous);
        previous = timestamps[h];
        if (h == firstHit[v]) {
          previousStart = timestamps[h];
        }
        out.varlong(hitVisitorIds[h] - visitorIds[v]);
        out.varint(dayOffsets[h]);
        out.varint(events[h] + 1);
        for (int c = 0; c < HIT_COLUMNS.size(); c++) {
          out.varint(hitValues[h * HIT_COLUMNS.size() + c] + 1);
        }
        out.varint(propStart[h + 1] - propStart[h]);
        for (int p = propStart[h]; p < propStart[h + 1]; p++) {
          out.varint(propKeys[p] + 1);
          out.varint(propValues[p] + 1);
        }
      }
    }
    out.varint(botNames.length);
    for (int i = 0; i < botNames.length; i++) {
      out.varint(botNames[i] + 1);
      out.varlong(botCounts[i]);
    }
    return out.bytes();
  }

  /** A segment read back; bytes of another format or layout, or damaged, are an {@link IllegalArgumentException}. */
  public static VisitSegment decode(byte[] bytes) {
    PackedBytes.Reader in = new PackedBytes.Reader(ByteBuffer.wrap(bytes), "visit segment");
    try {
      if (in.varint() != FORMAT) {
        throw new IllegalArgumentException("not a visit segment of format " + FORMAT);
      }
      LocalDate day = LocalDate.ofEpochDay(in.varlong());
      if (in.varint() != VISIT_COLUMNS.size() || in.varint() != HIT_COLUMNS.size()) {
        throw new IllegalArgumentException("a visit segment of other columns");
      }
      long[] versions = {in.varlong(), in.varlong(), in.varlong(), in.varlong()};
      String[] strings = new String[in.count()];
      for (int i = 0; i < strings.length; i++) {
        strings[i] = in.string();
      }
      int visits = in.count();
      int hits = in.count();
      int props = in.count();
      long[] visitorIds = new long[visits];
      int[] firstHit = new int[visits + 1];
      int[] visitValues = new int[visits * VISIT_COLUMNS.size()];
      long[] timestamps = new long[hits];
      long[] hitVisitorIds = new long[hits];
      int[] dayOffsets = new int[hits];
      int[] events = new int[hits];
      int[] hitValues = new int[hits * HIT_COLUMNS.size()];
      int[] propStart = new int[hits + 1];
      int[] propKeys = new int[props];
      int[] propValues = new int[props];
      int h = 0;
      int p = 0;
      long previousStart = 0;
      for (int v = 0; v < visits; v++) {
        visitorIds[v] = in.varlong();
        firstHit[v] = h;
        int count = in.varint();
        for (int c = 0; c < VISIT_COLUMNS.size(); c++) {
          visitValues[v * VISIT_COLUMNS.size() + c] = in.id(strings.length);
        }
        long previous = previousStart;
        for (int i = 0; i < count; i++, h++) {
          timestamps[h] = previous + in.varlong();
          previous = timestamps[h];
          if (i == 0) {
            previousStart = timestamps[h];
          }
          hitVisitorIds[h] = visitorIds[v] + in.varlong();
          dayOffsets[h] = in.varint();
          events[h] = in.id(strings.length);
          for (int c = 0; c < HIT_COLUMNS.size(); c++) {
            hitValues[h * HIT_COLUMNS.size() + c] = in.id(strings.length);
          }
          propStart[h] = p;
          int hitProps = in.varint();
          for (int k = 0; k < hitProps; k++, p++) {
            propKeys[p] = in.id(strings.length);
            propValues[p] = in.id(strings.length);
          }
        }
      }
      firstHit[visits] = h;
      propStart[hits] = p;
      if (h != hits || p != props) {
        throw new IllegalArgumentException("a visit segment whose counts do not add up");
      }
      int[] botNames = new int[in.count()];
      long[] botCounts = new long[botNames.length];
      for (int i = 0; i < botNames.length; i++) {
        botNames[i] = in.id(strings.length);
        botCounts[i] = in.varlong();
      }
      return new VisitSegment(day, versions, strings, visitorIds, firstHit, visitValues, timestamps, hitVisitorIds, dayOffsets,
          events, hitValues, propStart, propKeys, propValues, botNames, botCounts);
    } catch (BufferUnderflowException | ArrayIndexOutOfBoundsException | NegativeArraySizeException | ArithmeticException
        | java.time.DateTimeException e) {
      throw new IllegalArgumentException("a damaged visit segment", e);
    }
  }
}
