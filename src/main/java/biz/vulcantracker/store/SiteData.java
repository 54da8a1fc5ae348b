package biz.vulcantracker.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What Vulcan's own tables hold of one site, deleted: all of it (its goals, funnels, hit counts and visit segments too) (the site is deleted) or its days
 * before a date (its retention). Partition and range deletes, so each is one tombstone, however many
 * rows it covers.
 */
public final class SiteData {

  /** Day partitions of the hits table deleted at once. */
  private static final int PARALLELISM = 8;

  private final CassandraSession session;
  private final String keyspace;
  private final ActorSystem<?> system;

  public SiteData(CassandraSession session, StoreSettings settings, ActorSystem<?> system) {
    this.session = session;
    this.keyspace = settings.keyspace();
    this.system = system;
  }

  /**
   * Deletes the site's rows; its hits' day partitions from {@code firstDay} to {@code lastDay}
   * (every day a hit of it can have: the oldest a hit may be, to tomorrow).
   */
  public CompletionStage<Done> purge(String siteId, LocalDate firstDay, LocalDate lastDay) {
    CompletionStage<Done> totals = session.executeWrite("DELETE FROM " + keyspace + ".daily_totals WHERE site_id = ?", siteId)
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".hourly_totals WHERE site_id = ?", siteId))
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".site_definitions WHERE site_id = ?", siteId))
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".hit_days WHERE site_id = ?", siteId))
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".ledger_days WHERE site_id = ?", siteId));
    // The breakdowns are partitioned by (site, property), and custom event properties are the
    // sender's: their partitions are found by listing the table's partition keys.
    CompletionStage<Done> breakdowns = forEachBreakdown(siteId, property -> session.executeWrite(
        "DELETE FROM " + keyspace + ".daily_breakdowns WHERE site_id = ? AND property = ?", siteId, property));
    return all(totals, breakdowns, hitDays(siteId, firstDay, lastDay.plusDays(1)));
  }

  /**
   * Deletes the site's rows of days before {@code keptFrom} (days in the site's time zone; hours
   * before {@code keptFromInstant}, that day's start there); its hits' day partitions from
   * {@code oldestDay} on.
   */
  public CompletionStage<Done> purgeBefore(String siteId, LocalDate keptFrom, Instant keptFromInstant, LocalDate oldestDay) {
    CompletionStage<Done> totals = session.executeWrite("DELETE FROM " + keyspace + ".daily_totals WHERE site_id = ? AND day < ?", siteId, keptFrom)
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".hourly_totals WHERE site_id = ? AND hour < ?",
            siteId, keptFromInstant))
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".hit_days WHERE site_id = ? AND day < ?", siteId, keptFrom))
        .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".ledger_days WHERE site_id = ? AND day < ?", siteId, keptFrom));
    CompletionStage<Done> breakdowns = forEachBreakdown(siteId, property -> session.executeWrite(
        "DELETE FROM " + keyspace + ".daily_breakdowns WHERE site_id = ? AND property = ? AND day < ?", siteId, property, keptFrom));
    // The hits table's day partitions are the site's days too.
    return all(totals, breakdowns, hitDays(siteId, oldestDay, keptFrom));
  }

  /**
   * Runs {@code delete} for each breakdown partition of the site. The breakdowns are partitioned by
   * (site, property), and custom event properties are the sender's: their partitions are found by
   * listing the table's partition keys.
   */
  private CompletionStage<Done> forEachBreakdown(String siteId, java.util.function.Function<String, CompletionStage<Done>> delete) {
    return session.selectAll("SELECT DISTINCT site_id, property FROM " + keyspace + ".daily_breakdowns")
        .thenCompose(rows -> Source.from(rows)
            .filter(row -> siteId.equals(row.getString("site_id")))
            .mapAsync(PARALLELISM, row -> delete.apply(row.getString("property")))
            .runWith(Sink.ignore(), system));
  }

  /** Deletes the hits' and the visit segments' day partitions from {@code from} until {@code until} (exclusive). */
  private CompletionStage<Done> hitDays(String siteId, LocalDate from, LocalDate until) {
    return Source.from(from.datesUntil(until).toList())
        .mapAsync(PARALLELISM, day -> session.executeWrite("DELETE FROM " + keyspace + ".hit_chunks WHERE site_id = ? AND day = ?", siteId, day)
            .thenCompose(done -> session.executeWrite("DELETE FROM " + keyspace + ".visit_segments WHERE site_id = ? AND day = ?", siteId, day)))
        .runWith(Sink.ignore(), system);
  }

  private static CompletionStage<Done> all(CompletionStage<Done> first, CompletionStage<Done> second, CompletionStage<Done> third) {
    return first.thenCombine(second, (a, b) -> Done.getInstance()).thenCombine(third, (a, b) -> Done.getInstance());
  }
}
