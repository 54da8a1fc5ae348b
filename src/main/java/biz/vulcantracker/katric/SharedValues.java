package biz.vulcantracker.katric;

import java.util.HashMap;

/**
 * Equal values of one site model's resident hits as one instance (pages, browsers, countries, a
 * visit's values): a hit then costs a reference per value, not a copy. Used by one entity's thread
 * only, so a plain {@link HashMap}: the JVM-wide weak interner this replaces (Caffeine's) cost a
 * concurrent lookup with a weak reference for each of about twenty values per hit, a quarter of the
 * model's cost of adding a hit (JFR). Bounded: past {@value #MAX_VALUES} values it starts afresh,
 * so hostile values never grow it beyond that; hits held from before keep their instances, which
 * stay correct (values are compared with {@code equals}, identity is only a shortcut).
 */
final class SharedValues {

  static final int MAX_VALUES = 1 << 17;

  /** Slots of {@link #shared(int, Object)}: at most this many. */
  static final int SLOTS = 64;

  private final HashMap<Object, Object> values = new HashMap<>();
  /** Per slot, the instance it last gave. */
  private final Object[] lastGiven = new Object[SLOTS];

  /** The instance held for values equal to {@code value} (held from now on if there is none); null for null. */
  @SuppressWarnings("unchecked")
  <T> T shared(T value) {
    if (value == null) {
      return null;
    }
    Object held = values.putIfAbsent(value, value);
    if (held != null) {
      return (T) held;
    }
    if (values.size() > MAX_VALUES) {
      values.clear();
      values.put(value, value);
    }
    return value;
  }

  /**
   * {@link #shared(Object)} for one place of a hit (its page, its country, …): a value equal to the
   * one last given for {@code slot} is answered with it without a lookup. Hits of a batch repeat
   * most of their values from one to the next (a host, a country, a browser), and a lookup in the
   * map of all values was a third of the cost of making a hit resident (JFR).
   */
  @SuppressWarnings("unchecked")
  <T> T shared(int slot, T value) {
    Object last = lastGiven[slot];
    if (value == null || value == last) {
      return value;
    }
    if (value.equals(last)) {
      return (T) last;
    }
    T held = shared(value);
    lastGiven[slot] = held;
    return held;
  }

  int size() {
    return values.size();
  }
}
