package biz.vulcantracker.katric;

import biz.vulcantracker.queue.EntryId;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a site entity persists: per stream partition, the last entry id whose hits are written (the
 * watermark that lets a redelivered batch be skipped), and of its alerts the window each rule last
 * fired in and the firings not delivered yet. The counts themselves are not here: they are a
 * function of the hits table's hits ({@link SiteModel}), which is written before the watermark
 * moves. So the journal's events and snapshots stay small whatever the traffic: a few hundred bytes
 * of watermarks, at most {@value #MAX_FIRED_RULES} windows, and at most {@value #MAX_UNDELIVERED}
 * undelivered and {@value #MAX_RECENT_FIRINGS} recent firings of at most {@value #MAX_FIRING_BYTES} bytes each.
 */
public final class SiteState implements SizeBounded {

  /** Rules whose last window is kept (a site has at most {@link AlertRule#MAX_PER_SITE}; the rest were deleted). */
  static final int MAX_FIRED_RULES = 2 * AlertRule.MAX_PER_SITE;
  /** Firings kept for delivery while a webhook is down; beyond, the oldest is given up (and counted). */
  static final int MAX_UNDELIVERED = 32;
  static final int MAX_FIRING_BYTES = 4_096;
  /** Firings the live report shows (the newest, of the last day). */
  static final int MAX_RECENT_FIRINGS = 10;
  private static final long RECENT_MS = 24 * 3_600_000L;

  /** A firing to deliver to its rule's webhook. */
  public record Undelivered(String ruleId, String body) {}

  /** A firing as the live report shows it. */
  public record Recent(long firedAt, String body) {}

  @JsonProperty private final Map<Integer, String> watermarks;
  @JsonProperty private final Map<String, String> lastFired;
  @JsonProperty private final Map<String, Undelivered> undelivered;
  /** The latest firings, newest first. */
  @JsonProperty private final List<Recent> recent;

  @JsonCreator
  SiteState(@JsonProperty("watermarks") Map<Integer, String> watermarks, @JsonProperty("lastFired") Map<String, String> lastFired,
      @JsonProperty("undelivered") Map<String, Undelivered> undelivered, @JsonProperty("recent") List<Recent> recent) {
    this.watermarks = watermarks == null ? Map.of() : Map.copyOf(watermarks);
    this.lastFired = lastFired == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lastFired));
    this.undelivered = undelivered == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(undelivered));
    this.recent = recent == null ? List.of() : List.copyOf(recent);
  }

  static SiteState empty() {
    return new SiteState(null, null, null, null);
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
    return new SiteState(moved, lastFired, undelivered, recent);
  }

  /** Per rule id, the window it last fired in (oldest firing first). */
  Map<String, String> lastFired() {
    return lastFired;
  }

  /** The firings to deliver, by delivery id, oldest first. */
  Map<String, Undelivered> undelivered() {
    return undelivered;
  }

  /** The bodies of the firings of the day before {@code now}, newest first. */
  List<String> recentFirings(long now) {
    return recent.stream().filter(firing -> firing.firedAt() > now - RECENT_MS).map(Recent::body).toList();
  }

  /** This state after a rule fired in {@code window}; {@code toDeliver}: its firing waits for delivery. */
  SiteState fired(String ruleId, String window, String deliveryId, Undelivered toDeliver, Recent shown) {
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
    List<Recent> latest = new ArrayList<>(recent);
    latest.add(0, shown);
    return new SiteState(watermarks, fired, waiting, latest.subList(0, Math.min(latest.size(), MAX_RECENT_FIRINGS)));
  }

  /** This state after a firing was delivered (or given up). */
  SiteState delivered(String deliveryId) {
    if (!undelivered.containsKey(deliveryId)) {
      return this;
    }
    LinkedHashMap<String, Undelivered> waiting = new LinkedHashMap<>(undelivered);
    waiting.remove(deliveryId);
    return new SiteState(watermarks, lastFired, waiting, recent);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SiteState that && watermarks.equals(that.watermarks) && lastFired.equals(that.lastFired)
        && undelivered.equals(that.undelivered) && recent.equals(that.recent);
  }

  @Override
  public int hashCode() {
    return Objects.hash(watermarks, lastFired, undelivered, recent);
  }
}
