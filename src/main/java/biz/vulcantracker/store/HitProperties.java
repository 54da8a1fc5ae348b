package biz.vulcantracker.store;

import biz.vulcantracker.model.Property;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A hit's values of {@link Property#HIT_COLUMNS} as one array in the columns' order (null: the hit has
 * none), seen as an unmodifiable map from column to value. Every hit of an import is made into a row,
 * packed into a chunk and made resident: as a {@link java.util.HashMap} it cost a table, a node per
 * value and a hash lookup per column at each of those steps, a tenth of the node's CPU in a log import
 * (JFR); by place, those who know the columns ({@link #at}) read and write it without any.
 */
public final class HitProperties extends AbstractMap<String, String> {

  /** The columns, by place: the order of {@link Property#HIT_COLUMNS}. */
  public static final List<String> COLUMNS = Property.HIT_COLUMNS;
  private static final Map<String, Integer> PLACES = placesOf(COLUMNS);

  private final String[] values;
  private final int size;

  private HitProperties(String[] values) {
    this.values = values;
    int present = 0;
    for (String value : values) {
      present += value == null ? 0 : 1;
    }
    this.size = present;
  }

  /** The properties of {@code values}, one per column of {@link #COLUMNS} (null: none); the array is taken, not copied. */
  public static HitProperties of(String[] values) {
    if (values.length != COLUMNS.size()) {
      throw new IllegalArgumentException(values.length + " values for " + COLUMNS.size() + " columns");
    }
    return new HitProperties(values);
  }

  /** The place of a column in {@link #COLUMNS}, or -1 for a name that is none. */
  public static int placeOf(String column) {
    Integer place = PLACES.get(column);
    return place == null ? -1 : place;
  }

  /** The value of the column at {@code place} of {@link #COLUMNS}, or null. */
  public String at(int place) {
    return values[place];
  }

  @Override
  public String get(Object key) {
    int place = key instanceof String column ? placeOf(column) : -1;
    return place < 0 ? null : values[place];
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next = advance(0);

          private int advance(int from) {
            int place = from;
            while (place < values.length && values[place] == null) {
              place++;
            }
            return place;
          }

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Entry<String, String> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            Entry<String, String> entry = new SimpleImmutableEntry<>(COLUMNS.get(next), values[next]);
            next = advance(next + 1);
            return entry;
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private static Map<String, Integer> placesOf(List<String> columns) {
    Map<String, Integer> places = new java.util.HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      places.put(columns.get(i), i);
    }
    return Map.copyOf(places);
  }
}
