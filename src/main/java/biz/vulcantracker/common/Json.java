package biz.vulcantracker.common;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

/**
 * The one JSON mapper of the process (Jackson's mappers are thread-safe once built, and each one
 * keeps its own caches of serializers, so one shared instance is also the fastest). Blackbird
 * generates accessors instead of reflecting: it made the queue's codec, on the edge's hot path,
 * measurably cheaper. Unknown fields are ignored so that a record written by a newer version (a
 * queued hit, a spool record, the forwarder's state) is still read by an older one.
 */
public final class Json {

  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new BlackbirdModule())
      .build();

  private Json() {}

  /** A request body that must be a JSON object; 400 {@code bad_json} otherwise. */
  public static JsonNode objectOf(String body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (Exception e) {
      // answered below
    }
    throw new ApiError(org.apache.pekko.http.javadsl.model.StatusCodes.BAD_REQUEST, "bad_json", "send a JSON object");
  }
}
