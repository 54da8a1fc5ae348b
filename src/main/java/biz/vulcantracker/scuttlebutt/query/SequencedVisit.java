package biz.vulcantracker.scuttlebutt.query;

import biz.vulcantracker.enrich.AcquisitionChannels;
import biz.vulcantracker.katric.Dimensions;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.HitRow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A visit rebuilt from the hits table by {@link VisitSequencer}, by the rules katric's {@code Visit}
 * follows: its properties are those of its first hit, its entry page the first pageview's page, its
 * exit page the last one's; a bounce has one pageview and no custom event and lasts 0 s. It mirrors
 * {@code Visit} on purpose rather than sharing it: katric's visit is built from enriched hits and
 * kept in the entity's snapshots, this one from table rows; {@code FilteredStatsTest} holds the two
 * to the same numbers.
 */
final class SequencedVisit {

  /** The visitor id the visit started under (a visit across UTC midnight goes on under the next day's id). */
  final long visitorId;
  /** The day (site time zone) it started on, which it is counted on. */
  final LocalDate day;
  final long start;
  long last;
  int pageviews;
  int events;
  private final HitRow first;
  private String entryPage;
  private String exitPage;
  private String channel;
  final List<HitRow> hits = new ArrayList<>();
  /** Where each hit is in {@link #hits}, made when first asked (the visit is complete by then). */
  private Map<HitRow, Integer> positions;

  private SequencedVisit(HitRow first) {
    this.visitorId = first.visitorId();
    this.day = first.day();
    this.start = first.timestamp();
    this.last = first.timestamp();
    this.first = first;
  }

  static SequencedVisit startedBy(HitRow hit) {
    SequencedVisit visit = new SequencedVisit(hit);
    visit.add(hit);
    return visit;
  }

  /** Adds a hit no earlier than the visit's hits so far. */
  void add(HitRow hit) {
    hits.add(hit);
    last = Math.max(last, hit.timestamp());
    if (hit.isPageview()) {
      pageviews++;
      if (entryPage == null) {
        entryPage = hit.property("page");
      }
      exitPage = hit.property("page");
    } else if (hit.isCustomEvent()) {
      events++;
    }
  }

  /** The position of one of the visit's hits among them (by identity), or -1. */
  int indexOf(HitRow hit) {
    if (positions == null) {
      positions = new IdentityHashMap<>();
      for (int i = 0; i < hits.size(); i++) {
        positions.put(hits.get(i), i);
      }
    }
    return positions.getOrDefault(hit, -1);
  }

  /** The visit's value of a visit property of docs/api.md, or null. */
  String valueOf(String property) {
    return switch (property) {
      case "entry_page" -> entryPage;
      case "exit_page" -> exitPage;
      case "channel" -> channel();
      default -> first.property(Property.columnOf(property));
    };
  }

  /** The acquisition channel, from the first hit's source, UTM tags and referrer. */
  private String channel() {
    if (channel == null) {
      channel = channelOf(first::property);
    }
    return channel;
  }

  /** The acquisition channel of a visit whose first hit has these stored properties. */
  static String channelOf(java.util.function.Function<String, String> first) {
    return AcquisitionChannels.shared().of(first.apply("source"), Dimensions.DIRECT, first.apply("utm_source"),
        first.apply("utm_medium"), first.apply("utm_campaign"), first.apply("referrer"));
  }

  /** Sets the channel, worked out already for visits of the same first values. */
  void knownChannel(String value) {
    channel = value;
  }
}
