package biz.vulcantracker.beacon;

import biz.vulcantracker.common.Json;
import biz.vulcantracker.telemetry.Telemetry;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The answer to one log batch (docs/api.md): lines received, queued, skipped by reason, and the rejected
 * lines with their reasons (the first {@value #MAX_LISTED}; {@code rejectedCount} has them all).
 * Filled by one request's stream: the lines of its chunks one chunk after the other, and what was
 * queued as each chunk's append completes (the next chunk is read meanwhile: {@link LogRoutes}).
 */
public final class LogIngestReport {

  static final int MAX_LISTED = 100;

  private long received;
  private final AtomicLong queued = new AtomicLong();
  private long notFound;
  private long rejectedCount;
  private final Map<LogPageviewRule.Skip, Long> skipped = new EnumMap<>(LogPageviewRule.Skip.class);
  /** Rejected lines by a short reason key (unparsable, in_future, bad_target), for the metrics. */
  private final Map<String, Long> rejectedByKey = new HashMap<>();
  private final ArrayNode rejected = Json.MAPPER.createArrayNode();

  void received() {
    received++;
  }

  void queued(int count) {
    queued.addAndGet(count);
  }

  /** A line of a page not found, queued as a {@code 404} event (and counted in {@code queued} too). */
  void notFound() {
    notFound++;
  }

  void skipped(LogPageviewRule.Skip reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  void rejected(long line, String key, String reason) {
    rejectedCount++;
    rejectedByKey.merge(key, 1L, Long::sum);
    if (rejectedCount <= MAX_LISTED) {
      rejected.addObject().put("line", line).put("code", key).put("error", reason);
    }
  }

  /** Adds this batch's lines to the node's meters. */
  void countInto(Telemetry telemetry) {
    telemetry.hitsAccepted(LogIntake.CHANNEL, queued.get());
    rejectedByKey.forEach((key, count) -> telemetry.hitsRejected(LogIntake.CHANNEL, key, count));
    skipped.forEach((reason, count) -> telemetry.logLinesSkipped(reason.key(), count));
  }

  String toJson() {
    ObjectNode answer = Json.MAPPER.createObjectNode().put("received", received).put("queued", queued.get()).put("notFound", notFound);
    ObjectNode skips = answer.putObject("skipped");
    for (LogPageviewRule.Skip reason : LogPageviewRule.Skip.values()) {
      skips.put(reason.key(), skipped.getOrDefault(reason, 0L));
    }
    answer.set("rejected", rejected);
    answer.put("rejectedCount", rejectedCount);
    return answer.toString();
  }
}
