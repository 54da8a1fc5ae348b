package biz.vulcantracker.katric;

import biz.vulcantracker.queue.EntryId;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a site entity persists: per stream partition, the last entry id whose hits are written (the
 * watermark that lets a redelivered batch be skipped), and of its alerts the window each rule last
 * fired in and the firings not delivered yet. The counts themselves are not here: they are a
 * function of the hits table's hits ({@link SiteModel}), which is written before the watermark
 * moves. So the journal's events and snapshots stay small whatever the traffic: a few hundred bytes
 * of watermarks, and at most {@value #MAX_FIRED_RULES} windows and {@value #MAX_UNDELIVERED} firings
 * of at most {@value #MAX_FIRING_BYTES} bytes each.
 */
public final class SiteState implements SizeBounded {

  /** Rules whose last window is kept (a site has at most {@link AlertRule#MAX_PER_SITE}; the rest were deleted). */
  static final int MAX_FIRED_RULES = 2 * AlertRule.MAX_PER_SITE;
  /** Firings kept for delivery while a webhook is down; beyond, the oldest is given up (and counted). */
  static final int MAX_UNDELIVERED = 32;
  static final int MAX_FIRING_BYTES = 4_096;

  /** A firing to deliver to its rule's webhook. */
  public record Undelivered(String ruleId, String body) {}

  @JsonProperty private final Map<Integer, String> watermarks;
  @JsonProperty private final Map<String, String> lastFired;
  @JsonProperty private final Map<String, Undelivered> undelivered;

  @JsonCreator
  SiteState(@JsonProperty("watermarks") Map<Integer, String> watermarks, @JsonProperty("lastFired") Map<String, String> lastFired,
      @JsonProperty("undelivered") Map<String, Undelivered> undelivered) {
    this.watermarks = watermarks == null ? Map.of() : Map.copyOf(watermarks);
    this.lastFired = lastFired == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lastFired));
    this.undelivered = undelivered == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(undelivered));
  }

  static SiteState empty() {
    return new SiteState(null, null, null);
  }

  /** The last entry id of {@code partition} already written, or null. */
  String watermark(int partition) {
    return watermarks.get(partition);
  }

  /** This state with {@code partition}'s watermark moved to {@code entryId}, if that is further. */
  SiteState advanced(int partition, String entryId) {
    if (!EntryId.isAfter(entryId, watermarks.get(partition))) {
      return this;
    }
    Map<Integer, String> moved = new HashMap<>(watermarks);
    moved.put(partition, entryId);
    return new SiteState(moved, lastFired, undelivered);
  }

  /** Per rule id, the window it last fired in (oldest firing first). */
  Map<String, String> lastFired() {
    return lastFired;
  }

  /** The firings to deliver, by delivery id, oldest first. */
  Map<String, Undelivered> undelivered() {
    return undelivered;
  }

  /** This state after a rule fired in {@code window}; {@code toDeliver}: its firing waits for delivery. */
  SiteState fired(String ruleId, String window, String deliveryId, Undelivered toDeliver) {
    LinkedHashMap<String, String> fired = new LinkedHashMap<>(lastFired);
    fired.remove(ruleId);
    fired.put(ruleId, window);
    while (fired.size() > MAX_FIRED_RULES) {
      fired.remove(fired.keySet().iterator().next());
    }
    LinkedHashMap<String, Undelivered> waiting = new LinkedHashMap<>(undelivered);
    if (toDeliver != null) {
      waiting.put(deliveryId, toDeliver);
      while (waiting.size() > MAX_UNDELIVERED) {
        waiting.remove(waiting.keySet().iterator().next());
      }
    }
    return new SiteState(watermarks, fired, waiting);
  }

  /** This state after a firing was delivered (or given up). */
  SiteState delivered(String deliveryId) {
    if (!undelivered.containsKey(deliveryId)) {
      return this;
    }
    LinkedHashMap<String, Undelivered> waiting = new LinkedHashMap<>(undelivered);
    waiting.remove(deliveryId);
    return new SiteState(watermarks, lastFired, waiting);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SiteState that && watermarks.equals(that.watermarks) && lastFired.equals(that.lastFired)
        && undelivered.equals(that.undelivered);
  }

  @Override
  public int hashCode() {
    return watermarks.hashCode() * 31 + lastFired.hashCode() * 7 + undelivered.hashCode();
  }
}
