package biz.vulcantracker.katric;

import biz.vulcantracker.model.VisitRule;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;

/**
 * One visit (session) of a visitor: hits with no gap over {@link VisitRule#GAP}. Counted on the
 * day and in the hour it started; its source, location, browser and so on are those of its
 * earliest hit, its entry page the earliest pageview, its exit page the latest. Mutable, owned by {@link SiteState}: the day's totals and
 * breakdowns take it out before it changes and put it back after, so they always hold the visit's
 * current contribution.
 */
final class Visit {

  @JsonProperty final long visitorId;
  @JsonProperty final LocalDate day;
  /** The UTC hour (since the epoch) the visit is counted in. */
  @JsonProperty final long hour;
  @JsonProperty long start;
  @JsonProperty long last;
  @JsonProperty int pageviews;
  @JsonProperty int events;
  @JsonProperty Dimensions dims;
  @JsonProperty String entryPage;
  @JsonProperty long entryAt;
  @JsonProperty String exitPage;
  @JsonProperty long exitAt;

  @JsonCreator
  Visit(
      @JsonProperty("visitorId") long visitorId,
      @JsonProperty("day") LocalDate day,
      @JsonProperty("hour") long hour,
      @JsonProperty("start") long start,
      @JsonProperty("last") long last,
      @JsonProperty("pageviews") int pageviews,
      @JsonProperty("events") int events,
      @JsonProperty("dims") Dimensions dims,
      @JsonProperty("entryPage") String entryPage,
      @JsonProperty("entryAt") long entryAt,
      @JsonProperty("exitPage") String exitPage,
      @JsonProperty("exitAt") long exitAt) {
    this.visitorId = visitorId;
    this.day = day;
    this.hour = hour;
    this.start = start;
    this.last = last;
    this.pageviews = pageviews;
    this.events = events;
    this.dims = dims;
    this.entryPage = entryPage;
    this.entryAt = entryAt;
    this.exitPage = exitPage;
    this.exitAt = exitAt;
  }

  static Visit startedBy(RecordedHit hit, long hour) {
    Visit visit = new Visit(hit.visitorId(), hit.day(), hour, hit.timestamp(), hit.timestamp(), 0, 0, hit.dims(), null, 0, null, 0);
    visit.add(hit);
    return visit;
  }

  /** True when the hit falls within the inactivity gap before, during or after the visit. */
  boolean covers(long timestamp, long gapMs) {
    return timestamp >= start - gapMs && timestamp <= last + gapMs;
  }

  void add(RecordedHit hit) {
    if (hit.timestamp() < start) {
      dims = hit.dims(); // a late hit from before the visit's first one: it is the visit's entry now
    }
    start = Math.min(start, hit.timestamp());
    last = Math.max(last, hit.timestamp());
    if (hit.isPageview()) {
      pageviews++;
      String page = hit.dims() == null ? null : hit.dims().page();
      if (entryPage == null || hit.timestamp() < entryAt) {
        entryPage = page;
        entryAt = hit.timestamp();
      }
      if (exitPage == null || hit.timestamp() >= exitAt) {
        exitPage = page;
        exitAt = hit.timestamp();
      }
    } else if (hit.isCustomEvent()) {
      events++;
    }
  }

  boolean isBounce() {
    return VisitRule.isBounce(pageviews, events);
  }

  long durationMs() {
    return VisitRule.durationMs(start, last, pageviews, events);
  }

  /** The visit's value of a visit property, or null. */
  String valueOf(String property) {
    if (dims == null) {
      return null;
    }
    return switch (property) {
      case "entry_page" -> entryPage;
      case "exit_page" -> exitPage;
      default -> dims.valueOf(property);
    };
  }
}
