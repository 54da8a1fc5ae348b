package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.katric.SiteEntity.Command;
import biz.vulcantracker.katric.SiteEntity.Event;
import biz.vulcantracker.katric.SiteEntity.BatchWritten;
import biz.vulcantracker.katric.SiteEntity.PendingHit;
import biz.vulcantracker.katric.SiteEntity.RecordHits;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.BreakdownRow;
import biz.vulcantracker.store.DailyTotals;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.LedgerDay;
import biz.vulcantracker.store.Rollup;
import biz.vulcantracker.store.RollupWriter;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The site entity's counting and its exactly-once rule, with the in-memory journal (every command,
 * event and state is also serialized and read back by the test kit) and a hits table in a map.
 */
class SiteEntityTest {

  private static final ActorTestKit testKit = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local")
          .withFallback(EventSourcedBehaviorTestKit.config())
          .withFallback(ConfigFactory.load()));

  private static final LocalDate DAY = LocalDate.of(2026, 11, 27);
  private static final long NOON_UTC = ZonedDateTime.of(2026, 11, 27, 12, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();

  private final List<List<DailyTotals>> written = new CopyOnWriteArrayList<>();
  private final List<List<BreakdownRow>> breakdowns = new CopyOnWriteArrayList<>();
  private final List<List<HitRow>> hitRows = new CopyOnWriteArrayList<>();
  private final Map<LocalDate, List<HitRow>> table = new ConcurrentHashMap<>();
  private EventSourcedBehaviorTestKit<Command, Event, SiteState> entity;

  @BeforeEach
  void create() {
    written.clear();
    breakdowns.clear();
    hitRows.clear();
    table.clear();
    entity = EventSourcedBehaviorTestKit.create(testKit.system(), SiteEntity.create("a.example",
        (site, rollup) -> {
          written.add(rollup.totals());
          breakdowns.add(rollup.breakdowns());
          hitRows.add(rollup.hits());
          rollup.hits().forEach(hit -> table.computeIfAbsent(hit.day(), d -> new CopyOnWriteArrayList<>()).add(hit));
          return CompletableFuture.completedFuture(Done.getInstance());
        },
        this::read,
        SessionsTest.SETTINGS, AlertSources.NONE));
  }

  private CompletableFuture<List<HitRow>> read(String siteId, LocalDate day) {
    return CompletableFuture.completedFuture(List.copyOf(table.getOrDefault(day, List.of())));
  }

  /** The totals of the last write that changed any. */
  private List<DailyTotals> latestTotals() {
    for (int i = written.size() - 1; i >= 0; i--) {
      if (!written.get(i).isEmpty()) {
        return written.get(i);
      }
    }
    return List.of();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void countsPageviewsEventsAndDistinctVisitorsAndWritesTheDay() {
    var result = entity.<StatusReply<Done>>runCommand(replyTo -> record(3, replyTo,
        hit("1-0", "aa", "pageview", NOON_UTC),
        hit("2-0", "bb", "pageview", NOON_UTC),
        hit("3-0", "aa", "Signup", NOON_UTC),
        hit("4-0", "cc", "engagement", NOON_UTC)));

    assertThat(result.event()).isEqualTo(new BatchWritten(3, "4-0"));
    assertThat(hitRows.get(0)).hasSize(4);
    assertThat(result.state().watermark(3)).isEqualTo("4-0");
    // An engagement hit is neither a pageview nor a visit of its own.
    assertThat(written).containsExactly(List.of(new DailyTotals(DAY, 2, 2, 2, 1, 1, 0, 0)));
    // Only changed breakdown rows are written: here every row the batch made.
    assertThat(breakdowns.get(0)).contains(
        new BreakdownRow(DAY, "page", "/", 2, 0, 2, 0, 0, 0),
        new BreakdownRow(DAY, "event", "Signup", 1, 0, 0, 1, 0, 0),
        new BreakdownRow(DAY, "browser", "Firefox", 2, 2, 2, 1, 1, 0));
  }

  @Test
  void aRedeliveredBatchPersistsNothingAndRewritesTheSameTotals() {
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC), hit("2-0", "bb", "pageview", NOON_UTC)));

    var again = entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC), hit("2-0", "bb", "pageview", NOON_UTC)));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().isSuccess()).isTrue();
    // Nothing changed: the second write has no rows and no hits.
    assertThat(written).containsExactly(List.of(new DailyTotals(DAY, 2, 2, 2, 0, 2, 0, 0)), List.of());
    assertThat(hitRows.get(1)).isEmpty();
  }

  @Test
  void aBatchOverlappingTheWatermarkCountsOnlyTheNewEntries() {
    entity.<StatusReply<Done>>runCommand(replyTo -> record(5, replyTo, hit("10-0", "aa", "pageview", NOON_UTC), hit("10-1", "bb", "pageview", NOON_UTC)));
    var result = entity.<StatusReply<Done>>runCommand(replyTo -> record(5, replyTo,
        hit("10-1", "bb", "pageview", NOON_UTC), hit("11-0", "cc", "pageview", NOON_UTC)));

    assertThat(result.event()).isEqualTo(new BatchWritten(5, "11-0"));
    assertThat(hitRows.get(1)).extracting(HitRow::hitKey).containsExactly("hit-11-0");
    assertThat(written.get(written.size() - 1)).containsExactly(new DailyTotals(DAY, 3, 3, 3, 0, 3, 0, 0));
  }

  @Test
  void watermarksArePerPartition() {
    entity.<StatusReply<Done>>runCommand(replyTo -> record(1, replyTo, hit("50-0", "aa", "pageview", NOON_UTC)));
    // Entry ids of another partition are unrelated: a lower id there is still new.
    var result = entity.<StatusReply<Done>>runCommand(replyTo -> record(2, replyTo, hit("7-0", "bb", "pageview", NOON_UTC)));
    assertThat(result.events()).hasSize(1);
    assertThat(result.state().watermark(1)).isEqualTo("50-0");
    assertThat(result.state().watermark(2)).isEqualTo("7-0");
  }

  @Test
  void aBatchInPartsIsRolledUpOnceWithEveryRowItsPartsChanged() {
    QueuedHit blog = new QueuedHit("hit-1-0", "a.example", NOON_UTC, "beacon", "pageview",
        "https://a.example/blog", null, null, null, null, null, "aa", null, "UA", null, null, null);
    PendingHit first = new PendingHit("1-0", RecordedHit.from(blog, new Dimensions("/blog", "a.example", Dimensions.DIRECT,
        null, null, null, null, null, null, null, null, null, "Firefox", "133", "Linux", null, "desktop", null, "beacon", false), ZoneOffset.UTC));
    var part0 = entity.<StatusReply<Done>>runCommand(replyTo -> new RecordHits(0, "UTC", List.of(first), 0, false, replyTo));
    // Held, nothing written or persisted yet: the batch's hits and its rows go with its last part.
    assertThat(part0.hasNoEvents()).isTrue();
    assertThat(part0.reply().isSuccess()).isTrue();
    assertThat(written).isEmpty();

    var part1 = entity.<StatusReply<Done>>runCommand(lastPart(1, hit("2-0", "bb", "pageview", NOON_UTC)));
    assertThat(part1.state().watermark(0)).isEqualTo("2-0");
    assertThat(written).containsExactly(List.of(new DailyTotals(DAY, 2, 2, 2, 0, 2, 0, 0)));
    // One write of both parts' hits, and the first part's page in the one rollup beside the second's.
    assertThat(hitRows.get(0)).extracting(HitRow::hitKey).containsExactly("hit-1-0", "hit-2-0");
    assertThat(breakdowns.get(0)).contains(
        new BreakdownRow(DAY, "page", "/blog", 1, 0, 1, 0, 0, 0),
        new BreakdownRow(DAY, "page", "/", 1, 0, 1, 0, 0, 0));
  }

  @Test
  void aLastPartWhoseEarlierPartsTheEntityLostIsRefusedUntilTheBatchComesAgain() {
    entity.<StatusReply<Done>>runCommand(replyTo -> new RecordHits(0, "UTC", List.of(hit("1-0", "aa", "pageview", NOON_UTC)), 0, false, replyTo));
    entity.restart(); // between the parts: the first part's hits were held by the lost incarnation only
    var orphan = entity.<StatusReply<Done>>runCommand(lastPart(1, hit("2-0", "bb", "pageview", NOON_UTC)));
    assertThat(orphan.reply().isError()).isTrue();
    assertThat(hitRows).isEmpty();

    // The consumer sends the whole batch again: each hit counted once, every row written.
    entity.<StatusReply<Done>>runCommand(replyTo -> new RecordHits(0, "UTC", List.of(hit("1-0", "aa", "pageview", NOON_UTC)), 0, false, replyTo));
    var again = entity.<StatusReply<Done>>runCommand(lastPart(1, hit("2-0", "bb", "pageview", NOON_UTC)));
    assertThat(again.reply().isSuccess()).isTrue();
    assertThat(hitRows).hasSize(1);
    assertThat(hitRows.get(0)).extracting(HitRow::hitKey).containsExactly("hit-1-0", "hit-2-0");
    assertThat(written).containsExactly(List.of(new DailyTotals(DAY, 2, 2, 2, 0, 2, 0, 0)));
  }

  @Test
  void afterAFailedWriteTheRedeliveredBatchWritesWhatItChanged() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    List<List<BreakdownRow>> rows = new CopyOnWriteArrayList<>();
    var flaky = EventSourcedBehaviorTestKit.<Command, Event, SiteState>create(testKit.system(), SiteEntity.create("c.example",
        (site, rollup) -> {
          if (calls.incrementAndGet() == 2) {
            return CompletableFuture.failedFuture(new IllegalStateException("Cassandra is away"));
          }
          rows.add(rollup.breakdowns());
          rollup.hits().forEach(hit -> table.computeIfAbsent(hit.day(), d -> new CopyOnWriteArrayList<>()).add(hit));
          return CompletableFuture.completedFuture(Done.getInstance());
        },
        this::read,
        SessionsTest.SETTINGS, AlertSources.NONE));
    // A first batch, then one whose write fails (neither its hits nor its rows are stored).
    flaky.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC)));
    var failed = flaky.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("2-0", "bb", "Signup", NOON_UTC)));
    assertThat(failed.reply().isError()).isTrue();
    // Redelivered with a new entry after it: counted into a model read back from the table, the
    // Signup row is written with it.
    flaky.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("2-0", "bb", "Signup", NOON_UTC), hit("3-0", "cc", "pageview", NOON_UTC)));
    assertThat(rows.get(rows.size() - 1)).contains(new BreakdownRow(DAY, "event", "Signup", 1, 0, 0, 1, 0, 0));
  }

  /**
   * The ledger's arrivals are counted once per entry though a batch's writes landed and its
   * watermark was never persisted (the node died between the two): the batch sent again counts from
   * the row before it. A spool replay (the same hit under a new entry) is an arrival the table does
   * not hold twice: a duplicate. An edge's ledger entry adds its counts once, redelivered or not.
   */
  @Test
  void theLedgerCountsEachEntryOnceThroughAWriteWhoseWatermarkWasLost() {
    Map<LocalDate, LedgerDay> ledger = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicBoolean dieAfterWriting = new java.util.concurrent.atomic.AtomicBoolean();
    RollupWriter tables = new RollupWriter() {
      @Override
      public CompletableFuture<Done> write(String siteId, Rollup rollup) {
        rollup.hits().forEach(hit -> table.computeIfAbsent(hit.day(), d -> new CopyOnWriteArrayList<>()).add(hit));
        rollup.ledger().forEach(row -> ledger.put(row.day(), row));
        return dieAfterWriting.getAndSet(false)
            ? CompletableFuture.failedFuture(new IllegalStateException("the node died before its watermark was persisted"))
            : CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletableFuture<Map<LocalDate, LedgerDay>> ledgerDays(String siteId, List<LocalDate> days) {
        Map<LocalDate, LedgerDay> found = new java.util.HashMap<>();
        days.forEach(day -> {
          if (ledger.containsKey(day)) {
            found.put(day, ledger.get(day));
          }
        });
        return CompletableFuture.completedFuture(found);
      }
    };
    var site = EventSourcedBehaviorTestKit.<Command, Event, SiteState>create(testKit.system(), SiteEntity.create("d.example",
        tables, this::read, SessionsTest.SETTINGS, AlertSources.NONE));
    site.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC)));
    dieAfterWriting.set(true);
    PendingHit refusals = new PendingHit("3-0", null, Map.of(DAY.toString(), Map.of("refused:origin_not_allowed", 2L)));
    var died = site.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("2-0", "bb", "pageview", NOON_UTC), refusals));
    assertThat(died.reply().isError()).isTrue();
    assertThat(ledger.get(DAY).counts()).containsEntry("arrived:hit_id", 2L).containsEntry("refused:origin_not_allowed", 2L);
    site.restart();

    PendingHit replayed = new PendingHit("5-0", hit("1-0", "aa", "pageview", NOON_UTC).hit());
    var again = site.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo,
        hit("2-0", "bb", "pageview", NOON_UTC), refusals, hit("4-0", "cc", "pageview", NOON_UTC), replayed));
    assertThat(again.reply().isSuccess()).isTrue();
    assertThat(ledger.get(DAY).counts()).containsEntry("arrived:hit_id", 4L).containsEntry("stored:hit_id", 3L)
        .containsEntry("stored:bots", 0L).containsEntry("refused:origin_not_allowed", 2L);
    // Delivered once more after its watermark was persisted: nothing changes.
    site.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("4-0", "cc", "pageview", NOON_UTC), refusals, replayed));
    assertThat(ledger.get(DAY).counts()).containsEntry("arrived:hit_id", 4L).containsEntry("refused:origin_not_allowed", 2L);
  }

  @Test
  void daysAreTheSiteTimeZones() {
    long lateEveningUtc = ZonedDateTime.of(2026, 11, 27, 23, 30, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
    entity.<StatusReply<Done>>runCommand(replyTo -> new RecordHits(0, "Europe/Berlin",
        List.of(pending("1-0", queued("1-0", "aa", "pageview", lateEveningUtc, null), ZoneId.of("Europe/Berlin"))), 0, true, replyTo));
    assertThat(written).containsExactly(List.of(new DailyTotals(DAY.plusDays(1), 1, 1, 1, 0, 1, 0, 0)));
  }

  @Test
  void theStateIsRecoveredAfterARestart() {
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC), hit("2-0", "bb", "pageview", NOON_UTC)));
    entity.restart();
    // The returning visitor is known after recovery (its day read back from the table); the
    // redelivered entry is still skipped.
    var result = entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("2-0", "bb", "pageview", NOON_UTC), hit("3-0", "aa", "pageview", NOON_UTC)));
    assertThat(result.events()).hasSize(1);
    assertThat(hitRows.get(hitRows.size() - 1)).extracting(HitRow::hitKey).containsExactly("hit-3-0");
    // aa's second pageview joins its visit (no bounce any more): 2 visits, 1 bounce.
    assertThat(written.get(written.size() - 1)).containsExactly(new DailyTotals(DAY, 2, 2, 3, 0, 1, 0, 0));
  }

  @Test
  void aFailedRollupWriteIsAnErrorSoTheEntriesAreNotAcknowledged() {
    var failing = EventSourcedBehaviorTestKit.<Command, Event, SiteState>create(testKit.system(), SiteEntity.create("b.example",
        (site, rollup) -> CompletableFuture.failedFuture(new IllegalStateException("Cassandra is away")),
        (site, day) -> CompletableFuture.completedFuture(List.of()),
        SessionsTest.SETTINGS, AlertSources.NONE));
    var result = failing.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC)));
    assertThat(result.reply().isError()).isTrue();
    // The watermark moves only after the writes: the redelivery counts the hit.
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state().watermark(0)).isNull();
  }

  @Test
  void theSameHitUnderAnotherEntryIdCountsOnce() {
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", NOON_UTC)));
    // A spool replay: the very hit again, queued under a new entry id.
    PendingHit replayed = new PendingHit("9-0", hit("1-0", "aa", "pageview", NOON_UTC).hit());
    var result = entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, replayed));
    assertThat(result.reply().isSuccess()).isTrue();
    assertThat(hitRows.get(1)).isEmpty();
    assertThat(written.get(1)).isEmpty();
    assertThat(latestTotals()).containsExactly(new DailyTotals(DAY, 1, 1, 1, 0, 1, 0, 0));
  }

  @Test
  void aRepeatedClientEventIdCountsOnceADay() {
    var first = withClientId("1-0", "evt-7");
    var again = withClientId("2-0", "evt-7");
    var other = withClientId("3-0", "evt-8");
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, first, again, other));
    assertThat(hitRows.get(0)).extracting(HitRow::hitKey).containsExactly("i:evt-7", "i:evt-8");
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, withClientId("4-0", "evt-7")));
    assertThat(hitRows.get(1)).isEmpty();
    assertThat(latestTotals()).containsExactly(new DailyTotals(DAY, 1, 1, 0, 2, 0, 0, 0));
  }

  private static PendingHit withClientId(String entryId, String clientEventId) {
    return pending(entryId, queued(entryId, "aa", "Signup", NOON_UTC, clientEventId), ZoneOffset.UTC);
  }

  /**
   * A journal failure restarts the entity (backoff) after the batch's hits and rows were written but
   * before its watermark moved: the consumer sends it again, and its hits, read back from the table,
   * are held already: nothing counts twice.
   */
  @Test
  void aJournalFailureRestartsTheEntityWithoutCountingAnythingTwice() {
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo,
        hit("1-0", "aa", "pageview", NOON_UTC), hit("2-0", "bb", "pageview", NOON_UTC)));
    entity.persistenceTestKit().failNextPersisted();
    try {
      entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("3-0", "cc", "pageview", NOON_UTC)));
    } catch (AssertionError | RuntimeException expected) {
      // the persist failed: no event, no reply; the entity restarts with backoff
    }
    // Redelivered by the consumer after the failure: counted once, on top of the first batch only.
    boolean recorded = false;
    for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); !recorded && System.nanoTime() < deadline; ) {
      try {
        recorded = entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("3-0", "cc", "pageview", NOON_UTC)))
            .reply().isSuccess();
      } catch (AssertionError | RuntimeException stillRestarting) {
        // the restart's backoff has not passed yet
      }
    }
    assertThat(recorded).isTrue();
    assertThat(latestTotals()).containsExactly(new DailyTotals(DAY, 3, 3, 3, 0, 3, 0, 0));
    assertThat(table.get(DAY)).extracting(HitRow::hitKey).containsExactlyInAnyOrder("hit-1-0", "hit-2-0", "hit-3-0");
    assertThat(entity.restart().state().watermark(0)).isEqualTo("3-0");
  }

  /** After a restart (a failover) the live picture is read back from the hits table, not started empty. */
  @Test
  void currentVisitorsAfterARestartComeFromTheTable() {
    long now = System.currentTimeMillis();
    entity.<StatusReply<Done>>runCommand(replyTo -> record(0, replyTo, hit("1-0", "aa", "pageview", now - 60_000),
        hit("2-0", "bb", "pageview", now - 120_000), hit("3-0", "cc", "pageview", now - 3_600_000)));
    entity.restart();
    var result = entity.<SiteEntity.CurrentVisitors>runCommand(replyTo -> new SiteEntity.GetCurrentVisitors(now, "UTC", replyTo));
    assertThat(result.reply().visitors()).isEqualTo(2);
  }

  /** Events and snapshots stay a few hundred bytes whatever the traffic: the counts are not in them. */
  @Test
  void eventsAndSnapshotsAreSmall() {
    var serialization = org.apache.pekko.serialization.SerializationExtension.get(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(testKit.system()));
    SiteState state = SiteState.empty();
    for (int partition = 0; partition < 64; partition++) {
      state = state.advanced(partition, "1764000000000-" + partition);
    }
    Object snapshot = StateSnapshot.adapter(testKit.system()).toJournal(state);
    assertThat(serialization.serialize(snapshot).get().length).isLessThan(4096);
    assertThat(serialization.serialize(new BatchWritten(63, "1764000000000-99999")).get().length).isLessThan(128);
    assertThat(StateSnapshot.adapter(testKit.system()).fromJournal(snapshot).watermark(63)).isEqualTo("1764000000000-63");
  }

  private static java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<Done>>, Command> lastPart(
      int part, PendingHit hit) {
    return replyTo -> new RecordHits(0, "UTC", List.of(hit), part, true, replyTo);
  }

  /** A whole batch: one part, the last. */
  private static RecordHits record(int partition, org.apache.pekko.actor.typed.ActorRef<StatusReply<Done>> replyTo, PendingHit... hits) {
    return new RecordHits(partition, "UTC", new ArrayList<>(List.of(hits)), 0, true, replyTo);
  }

  private static PendingHit hit(String entryId, String visitor, String eventName, long timestamp) {
    return pending(entryId, queued(entryId, visitor, eventName, timestamp, null), ZoneOffset.UTC);
  }

  private static QueuedHit queued(String entryId, String visitor, String eventName, long timestamp, String clientEventId) {
    return new QueuedHit("hit-" + entryId, "a.example", timestamp, "beacon", eventName,
        "https://a.example/", null, null, null, null, clientEventId, visitor, null, "UA", null, null, null);
  }

  private static PendingHit pending(String entryId, QueuedHit hit, ZoneId zone) {
    return new PendingHit(entryId, RecordedHit.from(hit, SessionsTest.PERSON, zone));
  }
}
