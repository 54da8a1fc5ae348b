package biz.vulcantracker.model;

import java.time.Duration;

/**
 * What makes hits one visit: the same visitor, no gap between two hits longer than {@link #GAP}.
 * Katric's live rollups and the filtered scans of the hits table both sequence visits by it, so
 * the two paths count the same visits.
 */
public final class VisitRule {

  /** Plausible, Umami and Google Analytics all close a visit after 30 minutes without a hit. */
  public static final Duration GAP = Duration.ofMinutes(30);
  public static final long GAP_MS = GAP.toMillis();

  private VisitRule() {}
}
