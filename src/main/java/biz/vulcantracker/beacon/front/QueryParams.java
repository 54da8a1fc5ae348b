package biz.vulcantracker.beacon.front;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A beacon GET's query string as Pekko HTTP's {@code parameterMap} reads it ({@code +} is a space,
 * percent escapes are UTF-8, a name without {@code =} has an empty value), or null for anything
 * the two could read differently — a character outside RFC 3986's query set, a bad escape, an
 * empty or repeated name — which the front then relays to Pekko.
 */
final class QueryParams {

  /** RFC 3986's query characters (and {@code %}), as a table: the check runs on every byte of every query. */
  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      ALLOWED[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@/?%".indexOf(c) >= 0;
    }
  }

  private QueryParams() {}

  static Map<String, String> decode(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (int i = 0; i < rawQuery.length(); i++) {
      char c = rawQuery.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return null;
      }
    }
    try {
      for (int start = 0; start <= rawQuery.length(); ) {
        int end = rawQuery.indexOf('&', start);
        end = end < 0 ? rawQuery.length() : end;
        int equals = rawQuery.indexOf('=', start);
        equals = equals < 0 || equals > end ? end : equals;
        String name = unescape(rawQuery, start, equals);
        String value = equals == end ? "" : unescape(rawQuery, equals + 1, end);
        if (name.isEmpty() || params.put(name, value) != null) {
          return null;
        }
        start = end + 1;
      }
    } catch (IllegalArgumentException badEscape) {
      return null;
    }
    return params;
  }

  /**
   * {@code +} to a space and percent escapes to UTF-8, as {@link java.net.URLDecoder} does (a bad
   * escape throws {@link IllegalArgumentException}, a malformed UTF-8 sequence decodes to U+FFFD)
   * but without its buffers: a beacon's query is mostly escapes, decoded for every request.
   */
  static String unescape(String text) {
    return unescape(text, 0, text.length());
  }

  private static String unescape(String text, int start, int end) {
    byte[] bytes = new byte[end - start];
    int length = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= end) {
          throw new IllegalArgumentException("incomplete escape");
        }
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException("bad escape");
        }
        bytes[length++] = (byte) (high << 4 | low);
        i += 2;
      } else {
        bytes[length++] = (byte) (c == '+' ? ' ' : c); // ASCII only: decode() checked every character
      }
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
