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

  private static QueuedHit randomHit(Random random) {
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
