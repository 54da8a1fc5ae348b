package biz.vulcantracker.beacon.front;

import java.net.URLDecoder;
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

  private static String unescape(String text) {
    return text.indexOf('%') < 0 && text.indexOf('+') < 0 ? text : URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
