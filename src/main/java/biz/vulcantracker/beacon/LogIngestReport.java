package biz.vulcantracker.beacon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The answer to one log batch (API.md): lines received, queued, skipped by reason, and the rejected
 * lines with their reasons (the first {@value #MAX_LISTED}; {@code rejectedCount} has them all).
 * Filled by one request's stream, one chunk after the other.
 */
final class LogIngestReport {

  static final int MAX_LISTED = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private long received;
  private long queued;
  private long rejectedCount;
  private final Map<LogPageviewRule.Skip, Long> skipped = new EnumMap<>(LogPageviewRule.Skip.class);
  private final ArrayNode rejected = MAPPER.createArrayNode();

  void received() {
    received++;
  }

  void queued(int count) {
    queued += count;
  }

  void skipped(LogPageviewRule.Skip reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  void rejected(long line, String reason) {
    rejectedCount++;
    if (rejectedCount <= MAX_LISTED) {
      rejected.addObject().put("line", line).put("error", reason);
    }
  }

  String toJson() {
    ObjectNode answer = MAPPER.createObjectNode().put("received", received).put("queued", queued);
    ObjectNode skips = answer.putObject("skipped");
    for (LogPageviewRule.Skip reason : LogPageviewRule.Skip.values()) {
      skips.put(reason.key(), skipped.getOrDefault(reason, 0L));
    }
    answer.set("rejected", rejected);
    answer.put("rejectedCount", rejectedCount);
    return answer.toString();
  }
}
