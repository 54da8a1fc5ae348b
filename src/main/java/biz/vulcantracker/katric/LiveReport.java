package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * A site's live picture, from its entity's state: today's totals (site time zone, the same numbers
 * the entity writes to the rollups), the top values of a few properties today, the current visitors
 * and the pageviews of each of the last 30 minutes. Absolute values, so that a reader who missed
 * some (a conflated WebSocket) loses nothing by taking only the latest.
 *
 * <p>The entity publishes one to its site's topic after every persisted batch; anyone on any node
 * subscribes through a topic actor of the same name ({@link #topic(String)}).
 *
 * @param minutes pageviews per minute (epoch minute → count), at most the last 30 minutes of hit time
 * @param alerts the site's latest alert firings (their webhook bodies, newest first; at most
 *     {@link SiteState#MAX_RECENT_FIRINGS}, of the last day): a socket that missed an update still sees each
 */
public record LiveReport(
    String siteId,
    DailyTotals today,
    Map<String, List<BreakdownRow>> top,
    int currentVisitors,
    Map<Long, Integer> minutes,
    long publishedAt,
    List<String> alerts) implements CborSerializable {

  /** The properties whose top values a live report carries. */
  public static final List<String> TOP_PROPERTIES = List.of("page", "source", "country", "device");
  public static final int TOP_SIZE = 10;
  public static final int MINUTES = 30;

  /** This report with the site's latest alert firings. */
  public LiveReport withAlerts(List<String> latest) {
    return new LiveReport(siteId, today, top, currentVisitors, minutes, publishedAt, latest);
  }

  /** The pub-sub topic of a site's live reports (one actor per node and site; they find each other). */
  public static Behavior<Topic.Command<LiveReport>> topic(String siteId) {
    return Topic.create(LiveReport.class, "live-" + siteId);
  }
}
