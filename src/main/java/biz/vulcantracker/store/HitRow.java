package biz.vulcantracker.store;

import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.model.Property;
import java.time.LocalDate;
import java.util.Map;

/**
 * One anonymized hit of the {@code hits} table, what filtered reports are computed from.
 *
 * @param day the day of the hit in the site's time zone (the partition)
 * @param hitKey the hit id, or {@code "i:"} + the client event id, so a resent event is one row
 * @param previousVisitorId the visitor's id under the previous UTC day's salt, which lets a visit
 *     that runs across midnight continue, or null
 * @param eventName {@code pageview}, {@code engagement} or a custom event's name
 * @param properties the hit's values of {@link Property#HIT_COLUMNS} (absent when it has none)
 * @param props a custom event's properties, or empty
 * @param bot a hit of a known bot: kept (with the bot's name as its {@code browser}, nothing else) so
 *     that the day's count of bots is exact under redelivery and the report of bots can name them; it
 *     is neither a pageview nor an event and belongs to no visit
 */
public record HitRow(
    LocalDate day,
    long visitorId,
    String hitKey,
    long timestamp,
    Long previousVisitorId,
    String eventName,
    Map<String, String> properties,
    Map<String, String> props,
    boolean bot) {

  public boolean isPageview() {
    return !bot && EventNames.isPageview(eventName);
  }

  public boolean isCustomEvent() {
    return !bot && EventNames.isCustom(eventName);
  }

  public String property(String name) {
    return properties.get(name);
  }
}
