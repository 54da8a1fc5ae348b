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

  private final HashMap<Object, Object> values = new HashMap<>();

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

  int size() {
    return values.size();
  }
}
