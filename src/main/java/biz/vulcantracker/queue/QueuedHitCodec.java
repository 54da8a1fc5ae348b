package biz.vulcantracker.queue;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.Map;

/**
 * Encodes a {@link QueuedHit} as one stream entry field ({@value #FIELD}) holding JSON: readable
 * with redis-cli, and unknown fields are ignored so that an older consumer survives a newer edge.
 */
public final class QueuedHitCodec {

  /** The stream entry field that holds the hit. */
  public static final String FIELD = "hit";

  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(QueuedHit.class);
  private static final ObjectReader READER = Json.MAPPER.readerFor(QueuedHit.class);

  private QueuedHitCodec() {}

  public static Map<String, String> encode(QueuedHit hit) {
    try {
      return Map.of(FIELD, WRITER.writeValueAsString(hit));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a QueuedHit is always serializable", e);
    }
  }

  /** Decodes an entry's fields; throws {@link IllegalArgumentException} for a malformed entry. */
  public static QueuedHit decode(Map<String, String> fields) {
    String json = fields.get(FIELD);
    if (json == null) {
      throw new IllegalArgumentException("entry has no '" + FIELD + "' field");
    }
    try {
      QueuedHit hit = READER.readValue(json);
      if (hit.siteId() == null || hit.hitId() == null || hit.visitorId() == null) {
        throw new IllegalArgumentException("entry lacks siteId, hitId or visitorId");
      }
      return hit;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("entry is not a hit: " + e.getOriginalMessage(), e);
    }
  }
}
