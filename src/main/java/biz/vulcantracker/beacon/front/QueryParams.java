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

  private static final String ALLOWED = "-._~!$&'()*+,;=:@/?%";

  private QueryParams() {}

  static Map<String, String> decode(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (int i = 0; i < rawQuery.length(); i++) {
      char c = rawQuery.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 0x80) && ALLOWED.indexOf(c) < 0) {
        return null;
      }
    }
    try {
      for (String pair : rawQuery.split("&", -1)) {
        int equals = pair.indexOf('=');
        String name = unescape(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : unescape(pair.substring(equals + 1));
        if (name.isEmpty() || params.put(name, value) != null) {
          return null;
        }
      }
    } catch (IllegalArgumentException badEscape) {
      return null;
    }
    return params;
  }

  /**
   * {@code +} to a space and percent escapes to UTF-8, as {@link java.net.URLDecoder} does (a bad
   * escape throws {@link IllegalArgumentException}, a malformed UTF-8 sequence decodes to U+FFFD)
   * but without its buffers: a beacon's query is mostly escapes, and URLDecoder cost the front 8 %.
   */
  static String unescape(String text) {
    if (text.indexOf('%') < 0) {
      return text.replace('+', ' ');
    }
    byte[] bytes = new byte[text.length()];
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
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
