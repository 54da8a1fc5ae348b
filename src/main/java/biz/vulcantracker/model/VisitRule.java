package biz.vulcantracker.model;

import java.time.Duration;

/**
 * What makes hits one visit (the same visitor, no gap between two hits longer than {@link #GAP}),
 * and what a visit's bounce and duration are.
 * Katric's live rollups and the filtered scans of the hits table both sequence visits by it, so
 * the two paths count the same visits.
 */
public final class VisitRule {

  /** Plausible, Umami and Google Analytics all close a visit after 30 minutes without a hit. */
  public static final Duration GAP = Duration.ofMinutes(30);
  public static final long GAP_MS = GAP.toMillis();

  private VisitRule() {}

  /** A bounce: a visit of exactly one pageview and no custom event. */
  public static boolean isBounce(int pageviews, int events) {
    return pageviews == 1 && events == 0;
  }

  /** A visit's duration: its last hit's time minus its first's; a bounce counts 0 s. */
  public static long durationMs(long start, long last, int pageviews, int events) {
    return isBounce(pageviews, events) ? 0 : last - start;
  }
}
