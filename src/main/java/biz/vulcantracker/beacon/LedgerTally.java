package biz.vulcantracker.beacon;

import biz.vulcantracker.model.Ledger;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.LedgerEntry;
import biz.vulcantracker.store.Site;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beacon requests this edge refused, per registered site, day and reason, sent to the site's
 * partition as a {@link LedgerEntry} every {@link #EVERY}: a flood of refusals costs one entry per
 * site and interval, not one per request. What an edge holds between sendings is lost if it dies
 * (refused requests only: every accepted hit is in Redis before its 204); a sending that fails is
 * kept and tried again. A refusal that names no registered site (an unknown site, a body that could
 * not be read or parsed) has no site to go to: {@code vulcan_hits_rejected_total} counts it.
 */
public final class LedgerTally {

  private static final Logger log = LoggerFactory.getLogger(LedgerTally.class);
  static final Duration EVERY = Duration.ofSeconds(5);

  private final HitProducer producer;
  /**
   * Site id → "day|key" → count; keys are the edge's own codes, sites registered ones: bounded. A
   * count is added to and taken out by single atomic map operations, so none falls between the two.
   */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> counts = new ConcurrentHashMap<>();

  private LedgerTally(HitProducer producer) {
    this.producer = producer;
  }

  /** A tally sent from {@code system}'s scheduler. */
  public static LedgerTally start(ActorSystem<?> system, HitProducer producer) {
    LedgerTally tally = new LedgerTally(producer);
    system.scheduler().scheduleWithFixedDelay(EVERY, EVERY, tally::send, system.executionContext());
    return tally;
  }

  /** A tally that sends nothing: for an edge built without a queue to send to (unit tests of its routes). */
  public static LedgerTally unsent() {
    return new LedgerTally(null);
  }

  /** Counts {@code hits} refused hits of {@code site} (today in its time zone) under the code of their answer. */
  public void refused(Site site, String code, int hits) {
    String day = LocalDate.now(site.timezone()).toString();
    add(site.id(), day + '|' + Ledger.refused(code), hits);
  }

  /** Sends what was counted since the last sending, one entry per site. */
  void send() {
    if (producer == null) {
      counts.clear();
      return;
    }
    counts.forEach((siteId, site) -> {
      Map<String, Long> taken = new HashMap<>();
      for (String key : site.keySet()) {
        Long count = site.remove(key);
        if (count != null) {
          taken.put(key, count);
        }
      }
      if (taken.isEmpty()) {
        return;
      }
      Map<String, Map<String, Long>> byDay = new HashMap<>();
      taken.forEach((dayAndKey, count) -> {
        int bar = dayAndKey.indexOf('|');
        byDay.computeIfAbsent(dayAndKey.substring(0, bar), d -> new HashMap<>()).put(dayAndKey.substring(bar + 1), count);
      });
      producer.appendLedger(new LedgerEntry(siteId, byDay)).whenComplete((id, failure) -> {
        if (failure != null) {
          log.warn("Ledger entry of site {} not sent, kept for the next try: {}", siteId, failure.getMessage());
          taken.forEach((key, count) -> add(siteId, key, count));
        }
      });
    });
  }

  private void add(String siteId, String dayAndKey, long count) {
    counts.computeIfAbsent(siteId, id -> new ConcurrentHashMap<>()).merge(dayAndKey, count, Long::sum);
  }
}
