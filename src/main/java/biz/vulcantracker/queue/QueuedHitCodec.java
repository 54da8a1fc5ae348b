package biz.vulcantracker.queue;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a {@link QueuedHit} as one stream entry field ({@value #FIELD}) holding JSON: readable
 * with redis-cli, and unknown fields are ignored so that an older consumer survives a newer edge.
 *
 * <p>Read with Jackson's streaming API, field by field, and written by hand ({@link #json}), rather
 * than by data binding: every hit passes through here twice (edge and katric), and binding the
 * record took a tenth of a node's CPU in a log import (JFR). The JSON is the same as binding's
 * (fields named as the record's components, nulls left out), so entries of either kind of edge read alike.
 */
public final class QueuedHitCodec {

  /** The stream entry field that holds the hit. */
  public static final String FIELD = "hit";

  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private QueuedHitCodec() {}

  public static Map<String, String> encode(QueuedHit hit) {
    return Map.of(FIELD, json(hit));
  }

  /**
   * The hit's JSON: the value of {@link #FIELD}. Written by hand into one {@code StringBuilder}, not
   * with Jackson's generator, which copied every string into its buffer and then looked at it one
   * character at a time: that was a tenth of a node's CPU in a log import (JFR). The text is the
   * generator's to the character ({@code QueuedHitCodecTest}): the same escapes, the same order.
   */
  public static String json(QueuedHit hit) {
    StringBuilder out = new StringBuilder(512);
    out.append('{');
    text(out, "hitId", hit.hitId());
    text(out, "siteId", hit.siteId());
    field(out, "timestamp").append(hit.timestamp());
    text(out, "channel", hit.channel());
    text(out, "eventName", hit.eventName());
    text(out, "url", hit.url());
    text(out, "referrer", hit.referrer());
    if (hit.screenWidth() != null) {
      field(out, "screenWidth").append(hit.screenWidth().intValue());
    }
    if (hit.props() != null) {
      field(out, "props").append('{');
      for (Map.Entry<String, String> prop : hit.props().entrySet()) {
        if (prop.getValue() == null) {
          field(out, prop.getKey()).append("null");
        } else {
          quoted(field(out, prop.getKey()), prop.getValue());
        }
      }
      out.append('}');
    }
    if (hit.engagementMs() != null) {
      field(out, "engagementMs").append(hit.engagementMs().longValue());
    }
    text(out, "clientEventId", hit.clientEventId());
    text(out, "visitorId", hit.visitorId());
    text(out, "previousVisitorId", hit.previousVisitorId());
    text(out, "userAgent", hit.userAgent());
    text(out, "browser", hit.browser());
    text(out, "browserVersion", hit.browserVersion());
    text(out, "os", hit.os());
    text(out, "osVersion", hit.osVersion());
    text(out, "device", hit.device());
    if (hit.bot() != null) {
      field(out, "bot").append(hit.bot().booleanValue());
    }
    text(out, "country", hit.country());
    text(out, "region", hit.region());
    text(out, "city", hit.city());
    return out.append('}').toString();
  }

  /** {@code "name":} after a comma unless it is the object's first member. */
  private static StringBuilder field(StringBuilder out, String name) {
    char last = out.charAt(out.length() - 1);
    if (last != '{') {
      out.append(',');
    }
    quoted(out, name);
    return out.append(':');
  }

  /** A string member, left out when null (as binding leaves nulls out). */
  private static void text(StringBuilder out, String name, String value) {
    if (value != null) {
      quoted(field(out, name), value);
    }
  }

  /**
   * {@code value} as a JSON string, escaped as Jackson escapes by default: quote and backslash with
   * a backslash, the controls below U+0020 as the short escapes of b, t, n, f and r or else as a
   * backslash, u, 00 and two hex digits (upper case), everything else as is.
   * Runs of characters that need nothing are appended in one copy.
   */
  static void quoted(StringBuilder out, String value) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(value, from, i).append('\\');
      switch (c) {
        case '"', '\\' -> out.append(c);
        case '\b' -> out.append('b');
        case '\t' -> out.append('t');
        case '\n' -> out.append('n');
        case '\f' -> out.append('f');
        case '\r' -> out.append('r');
        default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
      from = i + 1;
    }
    out.append(value, from, value.length()).append('"');
  }

  /** Decodes an entry's fields; throws {@link IllegalArgumentException} for a malformed entry. */
  public static QueuedHit decode(Map<String, String> fields) {
    String text = fields.get(FIELD);
    if (text == null) {
      throw new IllegalArgumentException("entry has no '" + FIELD + "' field");
    }
    QueuedHit hit;
    try (JsonParser json = FACTORY.createParser(text)) {
      hit = read(json);
    } catch (IOException | ArithmeticException e) {
      throw new IllegalArgumentException("entry is not a hit: " + e.getMessage(), e);
    }
    if (hit.siteId() == null || hit.hitId() == null || hit.visitorId() == null) {
      throw new IllegalArgumentException("entry lacks siteId, hitId or visitorId");
    }
    return hit;
  }

  private static QueuedHit read(JsonParser json) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("entry is not a hit: not a JSON object");
    }
    String hitId = null, siteId = null, channel = null, eventName = null, url = null, referrer = null;
    String clientEventId = null, visitorId = null, previousVisitorId = null, userAgent = null;
    String browser = null, browserVersion = null, os = null, osVersion = null, device = null;
    String country = null, region = null, city = null;
    long timestamp = 0;
    Integer screenWidth = null;
    Long engagementMs = null;
    Boolean bot = null;
    Map<String, String> props = null;
    for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
      JsonToken value = json.nextToken();
      switch (name) {
        case "hitId" -> hitId = text(json, value);
        case "siteId" -> siteId = text(json, value);
        case "timestamp" -> timestamp = number(json, value, name);
        case "channel" -> channel = text(json, value);
        case "eventName" -> eventName = text(json, value);
        case "url" -> url = text(json, value);
        case "referrer" -> referrer = text(json, value);
        case "screenWidth" -> screenWidth = value == JsonToken.VALUE_NULL ? null : Math.toIntExact(number(json, value, name));
        case "props" -> props = props(json, value);
        case "engagementMs" -> engagementMs = value == JsonToken.VALUE_NULL ? null : number(json, value, name);
        case "clientEventId" -> clientEventId = text(json, value);
        case "visitorId" -> visitorId = text(json, value);
        case "previousVisitorId" -> previousVisitorId = text(json, value);
        case "userAgent" -> userAgent = text(json, value);
        case "browser" -> browser = text(json, value);
        case "browserVersion" -> browserVersion = text(json, value);
        case "os" -> os = text(json, value);
        case "osVersion" -> osVersion = text(json, value);
        case "device" -> device = text(json, value);
        case "bot" -> bot = value == JsonToken.VALUE_NULL ? null : value == JsonToken.VALUE_TRUE ? Boolean.TRUE
            : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : fail("bot is not true or false");
        case "country" -> country = text(json, value);
        case "region" -> region = text(json, value);
        case "city" -> city = text(json, value);
        default -> json.skipChildren(); // a field of a newer edge
      }
    }
    if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
      throw new IllegalArgumentException("entry is not a hit: more than one JSON object");
    }
    return new QueuedHit(hitId, siteId, timestamp, channel, eventName, url, referrer, screenWidth, props, engagementMs,
        clientEventId, visitorId, previousVisitorId, userAgent, browser, browserVersion, os, osVersion, device, bot,
        country, region, city);
  }

  private static String text(JsonParser json, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.VALUE_STRING) {
      fail(json.currentName() + " is not a string");
    }
    return json.getText();
  }

  private static long number(JsonParser json, JsonToken value, String name) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      fail(name + " is not a whole number");
    }
    return json.getLongValue();
  }

  private static Map<String, String> props(JsonParser json, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.START_OBJECT) {
      fail("props is not an object");
    }
    Map<String, String> props = new LinkedHashMap<>();
    for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
      props.put(name, text(json, json.nextToken()));
    }
    return props;
  }

  private static <T> T fail(String why) {
    throw new IllegalArgumentException("entry is not a hit: " + why);
  }
}
