package biz.vulcantracker.katric;

import biz.vulcantracker.queue.EntryId;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.Map;

/**
 * What a site entity persists: per stream partition, the last entry id whose hits are written (the
 * watermark that lets a redelivered batch be skipped). The counts themselves are not here: they are
 * a function of the hits table's hits ({@link SiteModel}), which is written before the watermark
 * moves. So the journal's events and snapshots stay a few hundred bytes whatever the traffic.
 */
public final class SiteState implements SizeBounded {

  @JsonProperty private final Map<Integer, String> watermarks;

  @JsonCreator
  SiteState(@JsonProperty("watermarks") Map<Integer, String> watermarks) {
    this.watermarks = watermarks == null ? Map.of() : Map.copyOf(watermarks);
  }

  static SiteState empty() {
    return new SiteState(null);
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
    return new SiteState(moved);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SiteState that && watermarks.equals(that.watermarks);
  }

  @Override
  public int hashCode() {
    return watermarks.hashCode();
  }
}
