package biz.vulcantracker.katric;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.Set;

/**
 * The counts of one stretch of time (a day of the site's time zone, or a UTC hour): pageviews,
 * custom events, dropped bots, the exact set of visitors, and the visits that started in it with
 * their bounces and durations (a visit's contribution is taken out and put back when it changes).
 */
final class Counts {

  @JsonProperty long pageviews;
  @JsonProperty long events;
  @JsonProperty long visits;
  @JsonProperty long bounces;
  @JsonProperty long durationMs;
  @JsonProperty long bots;
  @JsonProperty final LongOpenHashSet visitors;

  @JsonCreator
  Counts(
      @JsonProperty("pageviews") long pageviews,
      @JsonProperty("events") long events,
      @JsonProperty("visits") long visits,
      @JsonProperty("bounces") long bounces,
      @JsonProperty("durationMs") long durationMs,
      @JsonProperty("bots") long bots,
      @JsonProperty("visitors") Set<Long> visitors) {
    this.pageviews = pageviews;
    this.events = events;
    this.visits = visits;
    this.bounces = bounces;
    this.durationMs = durationMs;
    this.bots = bots;
    this.visitors = visitors == null ? new LongOpenHashSet() : new LongOpenHashSet(visitors);
  }

  static Counts empty() {
    return new Counts(0, 0, 0, 0, 0, 0, null);
  }

  void count(RecordedHit hit) {
    if (hit.isBot()) {
      bots++;
    } else if (hit.isPageview()) {
      pageviews++;
      visitors.add(hit.visitorId());
    } else if (hit.isCustomEvent()) {
      events++;
      visitors.add(hit.visitorId());
    }
  }

  void addVisit(Visit visit) {
    visits++;
    bounces += visit.isBounce() ? 1 : 0;
    durationMs += visit.durationMs();
  }

  void removeVisit(Visit visit) {
    visits--;
    bounces -= visit.isBounce() ? 1 : 0;
    durationMs -= visit.durationMs();
  }
}
