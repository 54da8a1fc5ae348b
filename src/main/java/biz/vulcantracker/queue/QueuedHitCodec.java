package biz.vulcantracker.queue;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a {@link QueuedHit} as one stream entry field ({@value #FIELD}) holding JSON: readable
 * with redis-cli, and unknown fields are ignored so that an older consumer survives a newer edge.
 *
 * <p>Written and read with Jackson's streaming API, field by field, rather than by data binding:
 * every hit passes through here twice (edge and katric), and binding the record took a tenth of a
 * node's CPU in a log import (JFR). The JSON is the same as binding's (fields named as the record's
 * components, nulls left out), so entries of either kind of edge read alike.
 */
public final class QueuedHitCodec {

  /** The stream entry field that holds the hit. */
  public static final String FIELD = "hit";

  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

  private QueuedHitCodec() {}

  public static Map<String, String> encode(QueuedHit hit) {
    return Map.of(FIELD, json(hit));
  }

  /** The hit's JSON: the value of {@link #FIELD}. */
  public static String json(QueuedHit hit) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      text(json, "hitId", hit.hitId());
      text(json, "siteId", hit.siteId());
      json.writeNumberField("timestamp", hit.timestamp());
      text(json, "channel", hit.channel());
      text(json, "eventName", hit.eventName());
      text(json, "url", hit.url());
      text(json, "referrer", hit.referrer());
      if (hit.screenWidth() != null) {
        json.writeNumberField("screenWidth", hit.screenWidth());
      }
      if (hit.props() != null) {
        json.writeObjectFieldStart("props");
        for (Map.Entry<String, String> prop : hit.props().entrySet()) {
          json.writeStringField(prop.getKey(), prop.getValue());
        }
        json.writeEndObject();
      }
      if (hit.engagementMs() != null) {
        json.writeNumberField("engagementMs", hit.engagementMs());
      }
      text(json, "clientEventId", hit.clientEventId());
      text(json, "visitorId", hit.visitorId());
      text(json, "previousVisitorId", hit.previousVisitorId());
      text(json, "userAgent", hit.userAgent());
      text(json, "browser", hit.browser());
      text(json, "browserVersion", hit.browserVersion());
      text(json, "os", hit.os());
      text(json, "osVersion", hit.osVersion());
      text(json, "device", hit.device());
      if (hit.bot() != null) {
        json.writeBooleanField("bot", hit.bot());
      }
      text(json, "country", hit.country());
      text(json, "region", hit.region());
      text(json, "city", hit.city());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string fails only when out of memory", e);
    }
    return out.toString();
  }

  private static void text(JsonGenerator json, String name, String value) throws IOException {
    if (value != null) {
      json.writeStringField(name, value);
    }
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
