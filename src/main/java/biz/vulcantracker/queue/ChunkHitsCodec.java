package biz.vulcantracker.queue;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hits of a {@link ChunkEntry} as one JSON document, each repeated string once:
 * {@code {"strings":[…],"hits":[[…],…]}}. A hit is an array in the order of {@link QueuedHit}'s
 * components; the strings a chunk's hits share (site, channel, event, page URL, referrer, browser,
 * system, device, place, property names and values) are indexes into {@code strings} (-1 for none),
 * the ones of their own (hit id, visitor ids, client event id) are written in place, numbers and
 * {@code bot} as themselves. Later fields would be appended to a hit's array (a reader takes the
 * positions it knows).
 *
 * <p>Why not a JSON object per hit, as beacon entries have: a chunk's lines repeat their strings,
 * and an object per hit wrote, escaped and parsed every field name and every repeated value again,
 * a tenth of a node's work in a log import (JFR). Decoded, the hits of a chunk share each string's
 * one instance, so everything after (the site model's shared values, the hit chunks' dictionary)
 * finds it by a hash computed once.
 */
final class ChunkHitsCodec {

  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
  /** Positions in a hit's array: {@link QueuedHit}'s components. */
  private static final int FIELDS = 23;

  private ChunkHitsCodec() {}

  static String write(List<QueuedHit> hits) {
    Dictionary strings = new Dictionary();
    int[] refs = new int[hits.size() * 14];
    int r = 0;
    for (QueuedHit hit : hits) {
      refs[r++] = strings.id(0, hit.siteId());
      refs[r++] = strings.id(1, hit.channel());
      refs[r++] = strings.id(2, hit.eventName());
      refs[r++] = strings.id(3, hit.url());
      refs[r++] = strings.id(4, hit.referrer());
      refs[r++] = strings.id(5, hit.userAgent());
      refs[r++] = strings.id(6, hit.browser());
      refs[r++] = strings.id(7, hit.browserVersion());
      refs[r++] = strings.id(8, hit.os());
      refs[r++] = strings.id(9, hit.osVersion());
      refs[r++] = strings.id(10, hit.device());
      refs[r++] = strings.id(11, hit.country());
      refs[r++] = strings.id(12, hit.region());
      refs[r++] = strings.id(13, hit.city());
      if (hit.props() != null) {
        hit.props().forEach((name, value) -> {
          strings.id(name);
          strings.id(value);
        });
      }
    }
    StringBuilder out = new StringBuilder(64 * strings.size() + 160 * hits.size());
    out.append("{\"strings\":[");
    for (int i = 0; i < strings.size(); i++) {
      QueuedHitCodec.quoted(i == 0 ? out : out.append(','), strings.get(i));
    }
    out.append("],\"hits\":[");
    r = 0;
    for (int h = 0; h < hits.size(); h++) {
      QueuedHit hit = hits.get(h);
      out.append(h == 0 ? "[" : ",[");
      text(out, hit.hitId()).append(',');
      out.append(refs[r++]).append(',');
      out.append(hit.timestamp()).append(',');
      out.append(refs[r++]).append(',').append(refs[r++]).append(',').append(refs[r++]).append(',').append(refs[r++]).append(',');
      out.append(hit.screenWidth()).append(',');
      if (hit.props() == null) {
        out.append("null");
      } else {
        out.append('[');
        boolean first = true;
        for (Map.Entry<String, String> prop : hit.props().entrySet()) {
          out.append(first ? "" : ",").append(strings.id(prop.getKey())).append(',').append(strings.id(prop.getValue()));
          first = false;
        }
        out.append(']');
      }
      out.append(',').append(hit.engagementMs()).append(',');
      text(out, hit.clientEventId()).append(',');
      text(out, hit.visitorId()).append(',');
      text(out, hit.previousVisitorId()).append(',');
      for (int i = 0; i < 6; i++) { // userAgent, browser, browserVersion, os, osVersion, device
        out.append(refs[r++]).append(',');
      }
      out.append(hit.bot()).append(',');
      out.append(refs[r++]).append(',').append(refs[r++]).append(',').append(refs[r++]).append(']');
    }
    return out.append("]}").toString();
  }

  /** A chunk's distinct strings, each with its index in {@code strings} (-1 for null). */
  private static final class Dictionary {
    private final Object2IntOpenHashMap<String> ids = new Object2IntOpenHashMap<>();
    private final List<String> strings = new ArrayList<>();
    /** Per field of a hit, the last value and its index: a chunk's hits repeat theirs as the very same instances. */
    private final String[] lastValues = new String[14];
    private final int[] lastIds = new int[14];

    Dictionary() {
      ids.defaultReturnValue(-1);
    }

    int id(int field, String value) {
      if (value != null && value == lastValues[field]) {
        return lastIds[field];
      }
      int id = id(value);
      lastValues[field] = value;
      lastIds[field] = id;
      return id;
    }

    int id(String value) {
      if (value == null) {
        return -1;
      }
      int id = ids.putIfAbsent(value, strings.size());
      if (id < 0) {
        strings.add(value);
        return strings.size() - 1;
      }
      return id;
    }

    int size() {
      return strings.size();
    }

    String get(int id) {
      return strings.get(id);
    }
  }

  private static StringBuilder text(StringBuilder out, String value) {
    if (value == null) {
      return out.append("null");
    }
    QueuedHitCodec.quoted(out, value);
    return out;
  }

  /** The hits of {@link #write}'s text; throws {@link IllegalArgumentException} for a malformed one. */
  static List<QueuedHit> read(String text) {
    try (JsonParser json = FACTORY.createParser(text)) {
      List<String> strings = new ArrayList<>();
      List<QueuedHit> hits = new ArrayList<>();
      expect(json.nextToken() == JsonToken.START_OBJECT, "not a JSON object");
      for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
        JsonToken value = json.nextToken();
        switch (name) {
          case "strings" -> {
            expect(value == JsonToken.START_ARRAY && strings.isEmpty() && hits.isEmpty(), "strings is an array before the hits");
            for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
              expect(t == JsonToken.VALUE_STRING, "a string of strings is not a string");
              strings.add(json.getText());
            }
          }
          case "hits" -> {
            expect(value == JsonToken.START_ARRAY, "hits is not an array");
            for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
              expect(t == JsonToken.START_ARRAY, "a hit is not an array");
              hits.add(hit(json, strings));
            }
          }
          default -> json.skipChildren(); // a field of a newer edge
        }
      }
      expect(json.nextToken() == null, "more than one JSON object");
      return hits;
    } catch (IOException | ArithmeticException e) {
      throw new IllegalArgumentException("a chunk's hits are malformed: " + e.getMessage(), e);
    }
  }

  private static QueuedHit hit(JsonParser json, List<String> strings) throws IOException {
    String hitId = inPlace(json);
    String siteId = string(json, strings);
    long timestamp = number(json);
    String channel = string(json, strings);
    String eventName = string(json, strings);
    String url = string(json, strings);
    String referrer = string(json, strings);
    Long screenWidth = numberOrNull(json);
    Map<String, String> props = props(json, strings);
    Long engagementMs = numberOrNull(json);
    String clientEventId = inPlace(json);
    String visitorId = inPlace(json);
    String previousVisitorId = inPlace(json);
    String userAgent = string(json, strings);
    String browser = string(json, strings);
    String browserVersion = string(json, strings);
    String os = string(json, strings);
    String osVersion = string(json, strings);
    String device = string(json, strings);
    JsonToken botToken = json.nextToken();
    expect(botToken == JsonToken.VALUE_TRUE || botToken == JsonToken.VALUE_FALSE || botToken == JsonToken.VALUE_NULL,
        "bot is not true, false or null");
    Boolean bot = botToken == JsonToken.VALUE_NULL ? null : botToken == JsonToken.VALUE_TRUE;
    String country = string(json, strings);
    String region = string(json, strings);
    String city = string(json, strings);
    for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
      expect(t != null, "a hit is cut short");
      json.skipChildren(); // a position of a newer edge
    }
    expect(hitId != null && siteId != null && visitorId != null, "a hit lacks its id, site or visitor");
    return new QueuedHit(hitId, siteId, timestamp, channel, eventName, url, referrer,
        screenWidth == null ? null : Math.toIntExact(screenWidth), props, engagementMs, clientEventId, visitorId,
        previousVisitorId, userAgent, browser, browserVersion, os, osVersion, device, bot, country, region, city);
  }

  private static String string(JsonParser json, List<String> strings) throws IOException {
    expect(json.nextToken() == JsonToken.VALUE_NUMBER_INT, "a hit's string is not an index");
    long id = json.getLongValue();
    expect(id >= -1 && id < strings.size(), "a hit's string index is out of range");
    return id < 0 ? null : strings.get((int) id);
  }

  private static String inPlace(JsonParser json) throws IOException {
    JsonToken t = json.nextToken();
    expect(t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL, "a hit's id is not a string");
    return t == JsonToken.VALUE_NULL ? null : json.getText();
  }

  private static long number(JsonParser json) throws IOException {
    expect(json.nextToken() == JsonToken.VALUE_NUMBER_INT, "a hit's number is not a whole number");
    return json.getLongValue();
  }

  private static Long numberOrNull(JsonParser json) throws IOException {
    JsonToken t = json.nextToken();
    expect(t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NULL, "a hit's number is not a whole number");
    return t == JsonToken.VALUE_NULL ? null : json.getLongValue();
  }

  private static Map<String, String> props(JsonParser json, List<String> strings) throws IOException {
    JsonToken t = json.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(t == JsonToken.START_ARRAY, "a hit's props are not an array");
    Map<String, String> props = new LinkedHashMap<>();
    for (JsonToken k = json.nextToken(); k != JsonToken.END_ARRAY; k = json.nextToken()) {
      expect(k == JsonToken.VALUE_NUMBER_INT, "a prop's name is not an index");
      long name = json.getLongValue();
      expect(name >= 0 && name < strings.size(), "a prop's name index is out of range");
      props.put(strings.get((int) name), string(json, strings));
    }
    return props;
  }

  private static void expect(boolean condition, String why) {
    if (!condition) {
      throw new IllegalArgumentException("a chunk's hits are malformed: " + why);
    }
  }
}
