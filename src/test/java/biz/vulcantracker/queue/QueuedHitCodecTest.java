package biz.vulcantracker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QueuedHitCodecTest {

  private static final String[] TEXTS = {
    "", "plain", "https://example.com/a?b=c&d=\"e\"#f", "tab\tnew\nline\r", "back\\slash / slash",
    "ünïcödé ✓ 日本語 🚀", "control \u0001\u001f\u007f", "</script><!--", "Mozilla/5.0 (X11; Linux x86_64)"
  };

  /** Every field, null or not, with escapes and characters beyond ASCII, survives the stream. */
  @Test
  void decodesWhatItEncodes() {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      QueuedHit hit = randomHit(random);
      assertEquals(hit, QueuedHitCodec.decode(QueuedHitCodec.encode(hit)));
    }
  }

  /**
   * The JSON is data binding's, both ways: entries queued by an edge that bound the record read
   * alike, and a consumer that binds reads these (fields named as the record's, nulls left out).
   */
  @Test
  void readsAndWritesWhatDataBindingDoes() throws Exception {
    ObjectMapper binding = Json.MAPPER;
    Random random = new Random(8);
    for (int i = 0; i < 2_000; i++) {
      QueuedHit hit = randomHit(random);
      String bound = binding.writeValueAsString(hit);
      assertEquals(hit, QueuedHitCodec.decode(Map.of(QueuedHitCodec.FIELD, bound)));
      // Binding also wrote isClassified() as a field, which no reader took: left out now.
      assertEquals(((ObjectNode) binding.readTree(bound)).without("classified"), binding.readTree(QueuedHitCodec.json(hit)));
      assertEquals(hit, binding.readValue(QueuedHitCodec.json(hit), QueuedHit.class));
    }
  }

  /**
   * The hand-written JSON is, to the character, what Jackson's generator writes for the same members
   * in the same order: every escape (quotes, backslashes, each control character), characters beyond
   * ASCII and lone surrogates as they are.
   */
  @Test
  void writesTheTextOfJacksonsGenerator() throws Exception {
    Random random = new Random(9);
    for (int i = 0; i < 5_000; i++) {
      QueuedHit hit = randomHit(random);
      if (i % 5 == 0) { // every character below U+0080 and a lone surrogate in one value
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
          all.append(c);
        }
        hit = new QueuedHit(hit.hitId(), hit.siteId(), hit.timestamp(), hit.channel(), hit.eventName(),
            all.append('\ud800').append("x").toString(), hit.referrer(), hit.screenWidth(), hit.props(), hit.engagementMs(),
            hit.clientEventId(), hit.visitorId(), hit.previousVisitorId(), hit.userAgent(), hit.browser(), hit.browserVersion(),
            hit.os(), hit.osVersion(), hit.device(), hit.bot(), hit.country(), hit.region(), hit.city());
      }
      assertEquals(generated(hit), QueuedHitCodec.json(hit));
    }
  }

  /** The hit's members written with Jackson's streaming generator, nulls left out. */
  private static String generated(QueuedHit hit) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      String[] before = {"hitId", hit.hitId(), "siteId", hit.siteId()};
      for (int i = 0; i < before.length; i += 2) {
        if (before[i + 1] != null) {
          json.writeStringField(before[i], before[i + 1]);
        }
      }
      json.writeNumberField("timestamp", hit.timestamp());
      String[] middle = {"channel", hit.channel(), "eventName", hit.eventName(), "url", hit.url(), "referrer", hit.referrer()};
      for (int i = 0; i < middle.length; i += 2) {
        if (middle[i + 1] != null) {
          json.writeStringField(middle[i], middle[i + 1]);
        }
      }
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
      String[] after = {"clientEventId", hit.clientEventId(), "visitorId", hit.visitorId(), "previousVisitorId",
          hit.previousVisitorId(), "userAgent", hit.userAgent(), "browser", hit.browser(), "browserVersion", hit.browserVersion(),
          "os", hit.os(), "osVersion", hit.osVersion(), "device", hit.device()};
      for (int i = 0; i < after.length; i += 2) {
        if (after[i + 1] != null) {
          json.writeStringField(after[i], after[i + 1]);
        }
      }
      if (hit.bot() != null) {
        json.writeBooleanField("bot", hit.bot());
      }
      String[] place = {"country", hit.country(), "region", hit.region(), "city", hit.city()};
      for (int i = 0; i < place.length; i += 2) {
        if (place[i + 1] != null) {
          json.writeStringField(place[i], place[i + 1]);
        }
      }
      json.writeEndObject();
    }
    return out.toString();
  }

  /** Fields a newer edge adds are skipped, whatever their shape. */
  @Test
  void skipsFieldsItDoesNotKnow() {
    String json = "{\"hitId\":\"h\",\"future\":{\"a\":[1,{\"b\":null}]},\"siteId\":\"s\",\"timestamp\":5,"
        + "\"later\":[\"x\"],\"visitorId\":\"v\",\"bot\":false}";
    QueuedHit hit = QueuedHitCodec.decode(Map.of(QueuedHitCodec.FIELD, json));
    assertEquals("h", hit.hitId());
    assertEquals("s", hit.siteId());
    assertEquals(5, hit.timestamp());
    assertEquals(Boolean.FALSE, hit.bot());
  }

  /** A malformed entry is refused with IllegalArgumentException, which the consumer skips and counts. */
  @Test
  void refusesAMalformedEntry() {
    assertThrows(IllegalArgumentException.class, () -> QueuedHitCodec.decode(Map.of(QueuedHitCodec.FIELD, "{\"siteId\":\"a\"}")));
    assertThrows(IllegalArgumentException.class, () -> QueuedHitCodec.decode(Map.of(QueuedHitCodec.FIELD, "not json")));
    assertThrows(IllegalArgumentException.class, () -> QueuedHitCodec.decode(Map.of("other", "{}")));
    for (String wrong : new String[] {"[]", "{\"hitId\":1,\"siteId\":\"s\",\"visitorId\":\"v\"}",
        "{\"hitId\":\"h\",\"siteId\":\"s\",\"visitorId\":\"v\",\"timestamp\":\"now\"}",
        "{\"hitId\":\"h\",\"siteId\":\"s\",\"visitorId\":\"v\",\"screenWidth\":99999999999}",
        "{\"hitId\":\"h\",\"siteId\":\"s\",\"visitorId\":\"v\",\"props\":{\"a\":{}}}",
        "{\"hitId\":\"h\",\"siteId\":\"s\",\"visitorId\":\"v\",\"bot\":\"yes\"}",
        "{\"hitId\":\"h\",\"siteId\":\"s\",\"visitorId\":\"v\"", "{\"hitId\":\"h\",\"siteId\":\"s\",\"visitorId\":\"v\"}{}"}) {
      assertThrows(IllegalArgumentException.class, () -> QueuedHitCodec.decode(Map.of(QueuedHitCodec.FIELD, wrong)), wrong);
    }
  }

  static QueuedHit randomHit(Random random) {
    Map<String, String> props = null;
    if (random.nextBoolean()) {
      props = new LinkedHashMap<>();
      for (int p = random.nextInt(4); p >= 0; p--) {
        props.put(text(random) + p, text(random));
      }
    }
    boolean classified = random.nextBoolean(); // at the edge (else a raw User-Agent, as older edges queued)
    return new QueuedHit(
        "hit-" + random.nextLong(), text(random) + "site", random.nextLong(), random.nextBoolean() ? "beacon" : "log",
        random.nextBoolean() ? "pageview" : text(random), text(random), maybe(random),
        random.nextBoolean() ? random.nextInt(5000) : null, props,
        random.nextBoolean() ? (long) random.nextInt(1_000_000) : null, maybe(random),
        Long.toHexString(random.nextLong()), random.nextBoolean() ? Long.toHexString(random.nextLong()) : null,
        classified ? null : text(random), classified ? maybe(random) : null, classified ? maybe(random) : null,
        classified ? maybe(random) : null, classified ? maybe(random) : null, classified ? maybe(random) : null,
        classified ? random.nextBoolean() : null, maybe(random), maybe(random), maybe(random));
  }

  private static String maybe(Random random) {
    return random.nextInt(3) == 0 ? null : text(random);
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder(TEXTS[random.nextInt(TEXTS.length)]);
    for (int i = random.nextInt(3); i > 0; i--) {
      text.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x20) : 0x20 + random.nextInt(0x3000));
    }
    return text.toString();
  }
}
