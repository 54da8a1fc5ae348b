package biz.vulcantracker.katric;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;

/**
 * One visit (session) of a visitor: hits with no gap over 30 minutes. Counted on the day it started.
 * Mutable, owned by {@link SiteState}; a day's totals take it out before it changes and put it back
 * after, so they always hold the visit's current contribution.
 */
final class Visit {

  @JsonProperty final LocalDate day;
  @JsonProperty long start;
  @JsonProperty long last;
  @JsonProperty int pageviews;
  @JsonProperty int events;

  @JsonCreator
  Visit(
      @JsonProperty("day") LocalDate day,
      @JsonProperty("start") long start,
      @JsonProperty("last") long last,
      @JsonProperty("pageviews") int pageviews,
      @JsonProperty("events") int events) {
    this.day = day;
    this.start = start;
    this.last = last;
    this.pageviews = pageviews;
    this.events = events;
  }

  static Visit startedBy(RecordedHit hit) {
    Visit visit = new Visit(hit.day(), hit.timestamp(), hit.timestamp(), 0, 0);
    visit.add(hit);
    return visit;
  }

  /** True when the hit falls within the inactivity gap before, during or after the visit. */
  boolean covers(long timestamp, long gapMs) {
    return timestamp >= start - gapMs && timestamp <= last + gapMs;
  }

  void add(RecordedHit hit) {
    start = Math.min(start, hit.timestamp());
    last = Math.max(last, hit.timestamp());
    if (hit.isPageview()) {
      pageviews++;
    } else if (hit.isCustomEvent()) {
      events++;
    }
  }

  /** API.md: exactly one pageview and no custom event. */
  boolean isBounce() {
    return pageviews == 1 && events == 0;
  }

  /** Last hit time minus first; a bounce counts 0 s. */
  long durationMs() {
    return isBounce() ? 0 : last - start;
  }
}
