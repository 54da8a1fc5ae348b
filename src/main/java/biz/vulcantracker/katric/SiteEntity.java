package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import biz.vulcantracker.common.Roles;
import biz.vulcantracker.model.Ledger;
import biz.vulcantracker.queue.EntryId;
import biz.vulcantracker.store.HitReader;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.LedgerDay;
import biz.vulcantracker.store.Rollup;
import biz.vulcantracker.store.RollupWriter;
import biz.vulcantracker.telemetry.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.TreeSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.cassandra.cleanup.Cleanup;
import org.apache.pekko.persistence.cassandra.cleanup.CleanupSettings;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.FutureConverters;

/**
 * One site, cluster-sharded and event-sourced.
 *
 * <p>{@link RecordHits} (a part of one partition's batch, in stream order, enriched) → the days the
 * hits fall on, and {@value SiteModel#LOAD_RADIUS} either side, are made resident in the
 * {@link SiteModel} (read from the hits table; commands wait in the stash meanwhile) → the hits not
 * held yet (by key) are added and the rows move by what they change → with the batch's last part,
 * the new hits and the changed rows of the exact days are written → then the partition's watermark
 * is persisted ({@link BatchWritten}) → the reply lets the consumer go on and acknowledge.
 *
 * <p>Exactly once by construction: the hits table is a set (a hit is its key), every row is a
 * function of that set and written as an absolute value, and a hit is written before the watermark
 * passes its entry. A redelivered part finds its entries at or below the watermark and is skipped;
 * one whose writes had failed is counted again into a model reloaded from the table, where its hits
 * either are (then they are held already) or are not (then they are new): the same rows either way.
 *
 * <p>The hits of a batch's parts wait in this incarnation's memory ({@link #pending}) to be written
 * with its last part (the table's rows are chunks of a write's hits); a last part that finds earlier
 * parts missing (the entity restarted between them) is answered with an error, and the consumer
 * sends the batch again.
 */
public final class SiteEntity
    extends EventSourcedBehaviorWithEnforcedReplies<SiteEntity.Command, SiteEntity.Event, SiteState> {

  private static final Logger log = LoggerFactory.getLogger(SiteEntity.class);

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Site");

  static final long CURRENT_WINDOW_MS = Duration.ofMinutes(5).toMillis();
  /** Ledger rows kept between batches (the least recently used go; a batch reads those it lacks). */
  private static final int MAX_LEDGER_ROWS = 64;
  /** After a failed read of the hits table, parts that need it are refused for this long (the consumer backs off). */
  private static final long LOAD_FAILURE_HOLD_MS = 1_000;
  /** How long the alert rules read are used before they are read again (a rule made or deleted shows within this). */
  static final long RULES_FRESH_MS = 10_000;
  /** Webhook attempts of one firing before it is given up: with the backoff capped at 5 minutes, about a day. */
  static final int MAX_DELIVERY_ATTEMPTS = 300;
  private static final long MAX_BACKOFF_MS = Duration.ofMinutes(5).toMillis();

  public sealed interface Command extends CborSerializable {}

  /**
   * Count a part of one partition's batch for this site, in stream order. A batch's parts come one
   * at a time, in order, each bounded in bytes ({@link HitParts}).
   *
   * @param timezone the site's time zone
   * @param part the part's place in the batch, from 0
   * @param lastPart whether this part ends the batch: then the hits and the rows are written
   */
  public record RecordHits(
      int partition, String timezone, List<PendingHit> hits, int part, boolean lastPart, ActorRef<StatusReply<Done>> replyTo)
      implements Command, SizeBounded {}

  /** How many visitors had a hit in the five minutes before {@code now} (docs/api.md's current visitors). */
  public record GetCurrentVisitors(long now, String timezone, ActorRef<CurrentVisitors> replyTo) implements Command {}

  /** The site's live picture now (today in {@code timezone}), answered with a {@link LiveReport}. */
  public record GetLiveReport(long now, String timezone, ActorRef<LiveReport> replyTo) implements Command {}

  /** Stop now, dropping the model: the site is being deleted (its journal is deleted next). */
  public record Forget(ActorRef<Done> replyTo) implements Command {}

  /** The answer to {@link GetCurrentVisitors}. */
  public record CurrentVisitors(int visitors) implements CborSerializable {}

  /**
   * Days read from the hits table to become resident, and ledger rows read back (sent by the entity
   * to itself); {@code ledgerRead} names the ledger days read (those without a row have none).
   */
  record DaysLoaded(Map<LocalDate, List<HitRow>> days, Set<LocalDate> ledgerRead, Map<LocalDate, LedgerDay> ledger, String failure)
      implements Command {}

  /** A batch's hits and rows written (its ledger rows among them), or not (sent by the entity to itself). */
  record BatchWrites(RecordHits command, String lastEntryId, LiveReport live, List<LedgerDay> ledger, List<HitRow> added,
      String failure) implements Command {}

  /** The site's alert rules changed (one was made or deleted): read them now rather than within {@link #RULES_FRESH_MS}. */
  public record ReadAlertRules() implements Command {}

  /** The site's alert rules read (sent by the entity to itself). */
  record RulesRead(List<AlertRule> rules, String failure) implements Command {}

  /** A closed hour's pageviews and its baseline hours' read for the spike and drop rules (sent by the entity to itself). */
  record HourRead(Instant hour, Map<Instant, Long> pageviews, String failure) implements Command {}

  /**
   * A webhook attempt's outcome: the receiver's status, or 0 with a failure, or {@link #NO_WEBHOOK}
   * when the firing's rule has none any more (sent by the entity to itself).
   */
  record DeliveryAttempted(String deliveryId, int attempt, int status, String failure, String incarnation) implements Command {
    static final int NO_WEBHOOK = -1;
  }

  /**
   * Try a firing's delivery again: sent through sharding after a backoff, so an entity retrying is
   * not passivated as idle; an incarnation other than the one that scheduled it ignores it (it
   * delivers its undelivered firings itself from its start).
   */
  public record RetryDelivery(String deliveryId, int attempt, String incarnation) implements Command {}

  /**
   * An entry read from the stream and not yet acknowledged: a hit, already enriched (only what the
   * entity counts travels to it: no User-Agent, no full URL), or an edge's ledger entry.
   *
   * @param hit the hit, or null for a ledger entry
   * @param ledger a ledger entry's counts per day and key ({@link biz.vulcantracker.queue.LedgerEntry}), or null for a hit
   */
  public record PendingHit(String entryId, RecordedHit hit, Map<String, Map<String, Long>> ledger) implements CborSerializable {

    public PendingHit(String entryId, RecordedHit hit) {
      this(entryId, hit, null);
    }

    /** At least the bytes this entry takes in a serialized {@link RecordHits}. */
    int sizeBound() {
      int bytes = RecordedHit.cborBytes(entryId) + (hit == null ? 0 : hit.sizeBound());
      if (ledger != null) {
        for (Map.Entry<String, Map<String, Long>> day : ledger.entrySet()) {
          bytes += 16 + RecordedHit.cborBytes(day.getKey());
          for (String key : day.getValue().keySet()) {
            bytes += 10 + RecordedHit.cborBytes(key);
          }
        }
      }
      return bytes;
    }
  }

  public sealed interface Event extends CborSerializable {}

  /** A batch of {@code partition} is written, up to and including stream entry {@code lastEntryId}. */
  public record BatchWritten(int partition, String lastEntryId) implements Event, SizeBounded {}

  /**
   * The earlier model's event (it carried the hits, which it had also written to the hits table):
   * read from an old journal for its watermark only.
   */
  public record HitsRecorded(int partition, String lastEntryId, List<RecordedHit> hits) implements Event, SizeBounded {}

  /**
   * An alert rule fired in a window (persisted before anything is sent: it fires once per window
   * whatever fails after); {@code deliver}: its body waits for the rule's webhook.
   */
  public record AlertFired(String ruleId, String window, String deliveryId, String body, boolean deliver, long firedAt)
      implements Event, SizeBounded {}

  /** A firing was delivered to its webhook, or given up (its rule was deleted, or every attempt failed). */
  public record AlertDelivered(String deliveryId, boolean givenUp) implements Event, SizeBounded {}

  private final String siteId;
  private final RollupWriter rollups;
  private final HitReader hitReader;
  private final KatricSettings settings;
  private final ActorRef<Topic.Command<LiveReport>> liveTopic;
  private final AlertSources alerts;
  private final ActorContext<Command> context;
  private final SnapshotAdapter<SiteState> snapshots;

  /** The resident days; not persisted (the hits table is its source), touched on the actor's thread only. */
  private SiteModel model;
  private ZoneId modelZone;
  /** Hits added to the model and not written yet: written with the next last part of any batch. */
  private List<HitRow> pending = new ArrayList<>();
  /** Per partition, the next part expected of the batch being received. */
  private final Map<Integer, Integer> nextParts = new HashMap<>();
  /** The ledger rows of days this incarnation counted, as last written (read from the table first); a bounded few. */
  private final Map<LocalDate, LedgerDay> ledgerRows = new LinkedHashMap<>(16, 0.75f, true);
  /** What the entries of the batch being received add to the ledger, per day and key: written with its last part. */
  private Map<LocalDate, Map<String, Long>> ledgerDelta = new TreeMap<>();
  /** Per partition, the last entry counted into {@link #ledgerDelta}: a batch sent again after a refused part counts nothing twice. */
  private final Map<Integer, String> ledgerMarks = new HashMap<>();
  private boolean loading;
  /** The alert rules as last read, when, and whether a read is in flight. */
  private List<AlertRule> rules = List.of();
  private long rulesReadAt;
  private boolean readingRules;
  /** The rules changed since the read in flight (if any) began: read them again. */
  private boolean rulesChanged;
  private boolean readingHour;
  private final AlertCheck alertCheck;
  /** Firings whose delivery this incarnation has under way (an attempt in flight or a retry scheduled). */
  private final Set<String> delivering = new HashSet<>();
  /**
   * Tells this incarnation's attempts and scheduled retries from another's (the entity may have
   * moved since, or been restarted in place after a journal failure).
   */
  private String incarnation = java.util.UUID.randomUUID().toString();
  /** A batch's writes are in flight (until its {@link BatchWrites}). */
  private boolean writing;
  private long loadFailedAt;
  private String loadFailure;

  private SiteEntity(String siteId, RollupWriter rollups, HitReader hitReader, KatricSettings settings, AlertSources alerts,
      ActorContext<Command> context, SnapshotAdapter<SiteState> snapshots) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), siteId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.snapshots = snapshots;
    this.siteId = siteId;
    this.rollups = rollups;
    this.hitReader = hitReader;
    this.settings = settings;
    this.liveTopic = context.spawn(LiveReport.topic(siteId), "live");
    this.alerts = alerts;
    this.alertCheck = new AlertCheck(siteId);
    this.context = context;
  }

  /** Registers the entity type with Cluster Sharding (a proxy only, on nodes without the role). */
  public static void init(ActorSystem<?> system, RollupWriter rollups, HitReader hitReader, KatricSettings settings,
      AlertSources alerts) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_TYPE_KEY, context -> create(context.getEntityId(), rollups, hitReader, settings, alerts))
                .withRole(Roles.KATRIC));
  }

  public static Behavior<Command> create(String siteId, RollupWriter rollups, HitReader hitReader, KatricSettings settings,
      AlertSources alerts) {
    return Behaviors.setup(context -> new SiteEntity(siteId, rollups, hitReader, settings, alerts, context,
        StateSnapshot.adapter(context.getSystem())));
  }

  @Override
  public SnapshotAdapter<SiteState> snapshotAdapter() {
    return snapshots;
  }

  @Override
  public SiteState emptyState() {
    return SiteState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, SiteState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordHits.class, this::onRecordHits)
        .onCommand(DaysLoaded.class, this::onDaysLoaded)
        .onCommand(BatchWrites.class, this::onBatchWrites)
        .onCommand(RulesRead.class, this::onRulesRead)
        .onCommand(ReadAlertRules.class, (state, read) -> {
          rulesChanged = true;
          readRulesIfStale(System.currentTimeMillis());
          return Effect().noReply();
        })
        .onCommand(HourRead.class, this::onHourRead)
        .onCommand(DeliveryAttempted.class, this::onDeliveryAttempted)
        .onCommand(RetryDelivery.class, (state, retry) -> {
          if (retry.incarnation().equals(incarnation) && state.undelivered().containsKey(retry.deliveryId())) {
            attemptDelivery(state, retry.deliveryId(), retry.attempt());
          }
          return Effect().noReply();
        })
        .onCommand(GetCurrentVisitors.class, (state, query) -> awaitingToday(ZoneId.of(query.timezone()))
            ? Effect().stash()
            : Effect().reply(query.replyTo(), new CurrentVisitors(model.visitorsActiveSince(query.now() - CURRENT_WINDOW_MS))))
        .onCommand(GetLiveReport.class, (state, query) -> awaitingToday(ZoneId.of(query.timezone()))
            ? Effect().stash()
            : Effect().reply(query.replyTo(), model.liveReport(siteId, query.now(), ZoneId.of(query.timezone()), CURRENT_WINDOW_MS)
                .withAlerts(state.recentFirings(query.now()))))
        .onCommand(Forget.class, (state, forget) -> {
          if (model != null) { // null until the site's first hit: a site deleted before any has nothing in memory
            model.clear();
          }
          return Effect().stop().thenReply(forget.replyTo(), stopped -> Done.getInstance());
        })
        .build();
  }

  /**
   * Deletes what katric keeps of a site: its entity stops (wherever it runs; its model goes with it)
   * and its journal and snapshots are deleted. The caller has taken the site out of the registry
   * first, so no new batch of it is counted.
   */
  public static CompletionStage<Done> forget(ActorSystem<?> system, String siteId) {
    CompletionStage<Done> stopped = ClusterSharding.get(system).entityRefFor(ENTITY_TYPE_KEY, siteId)
        .ask(Forget::new, Duration.ofSeconds(30));
    var cleanupConfig = system.settings().config().getConfig("pekko.persistence.cassandra.cleanup")
        .withValue("dry-run", com.typesafe.config.ConfigValueFactory.fromAnyRef(false));
    Cleanup cleanup = new Cleanup(system, new CleanupSettings(cleanupConfig));
    return stopped.thenCompose(done ->
        FutureConverters.asJava(cleanup.deleteAll(PersistenceId.of(ENTITY_TYPE_KEY.name(), siteId).id(), false)));
  }

  /**
   * True when a live query must wait: today (and the days around it) is being read, or is not
   * resident yet and its read starts now — after a start or a failover the live picture comes from
   * the hits table, not from nothing. A read that just failed is not waited for: the answer is then
   * what the model holds.
   */
  private boolean awaitingToday(ZoneId zone) {
    if (loading) {
      return true;
    }
    Set<LocalDate> missing = modelFor(zone).missingFor(Set.of(LocalDate.now(zone)));
    if (missing.isEmpty() || (loadFailure != null && System.currentTimeMillis() - loadFailedAt < LOAD_FAILURE_HOLD_MS)) {
      return false;
    }
    load(missing, Set.of());
    return true;
  }

  private SiteModel modelFor(ZoneId zone) {
    if (model == null || !zone.equals(modelZone)) {
      model = new SiteModel(zone); // a site whose time zone changed: its days are other days now
      modelZone = zone;
    }
    return model;
  }

  private ReplyEffect<Event, SiteState> onRecordHits(SiteState state, RecordHits command) {
    if (loading || writing) {
      // One batch's writes at a time: a consumer that gave up waiting and sent its batch again must
      // find the first one's ledger rows written, not count beside them.
      return Effect().stash();
    }
    SiteModel days = modelFor(ZoneId.of(command.timezone()));
    String watermark = state.watermark(command.partition());
    List<HitRow> fresh = new ArrayList<>();
    List<PendingHit> freshEntries = new ArrayList<>();
    Set<LocalDate> touched = new HashSet<>();
    Set<LocalDate> ledgerTouched = new HashSet<>(ledgerDelta.keySet());
    if (command.lastPart()) { // the days of the batch's earlier parts (and of hits an aborted batch left) are written now
      pending.forEach(hit -> ledgerTouched.add(hit.day()));
    }
    for (PendingHit entry : command.hits()) {
      if (!EntryId.isAfter(entry.entryId(), watermark)) {
        continue;
      }
      freshEntries.add(entry);
      if (entry.hit() != null) {
        HitRow row = entry.hit().toRow();
        fresh.add(row);
        touched.add(row.day());
      } else {
        entry.ledger().keySet().forEach(day -> ledgerTouched.add(LocalDate.parse(day)));
      }
    }
    ledgerTouched.addAll(touched);
    Set<LocalDate> missing = days.missingFor(touched);
    Set<LocalDate> missingLedger = new HashSet<>(ledgerTouched);
    missingLedger.removeAll(ledgerRows.keySet());
    if (!missing.isEmpty() || !missingLedger.isEmpty()) {
      if (loadFailure != null && System.currentTimeMillis() - loadFailedAt < LOAD_FAILURE_HOLD_MS) {
        return Effect().reply(command.replyTo(), StatusReply.error("site " + siteId + " could not read its hits: " + loadFailure));
      }
      load(missing, missingLedger);
      return Effect().stash();
    }
    int expected = nextParts.getOrDefault(command.partition(), 0);
    if (command.part() != 0 && command.part() != expected) {
      nextParts.remove(command.partition());
      return Effect().reply(command.replyTo(), StatusReply.error("part " + command.part() + " of a batch whose earlier parts site "
          + siteId + " did not receive (its entity restarted): send the batch again"));
    }
    List<HitRow> added = days.add(fresh, System.currentTimeMillis());
    pending.addAll(added);
    countIntoLedger(command.partition(), freshEntries, fresh);
    Telemetry.get(context.getSystem()).repeatedHits().increment(fresh.size() - added.size());
    if (!command.lastPart()) {
      nextParts.put(command.partition(), command.part() + 1);
      return Effect().reply(command.replyTo(), StatusReply.ack()); // held: written with the last part
    }
    nextParts.remove(command.partition());
    // Every day the batch touched has its count written, not only days with new hits: a count whose
    // write failed is written again when the batch comes again (and adds nothing).
    Set<LocalDate> counted = new HashSet<>(touched);
    pending.forEach(hit -> counted.add(hit.day()));
    String lastEntryId = command.hits().isEmpty() ? null : command.hits().get(command.hits().size() - 1).entryId();
    Rollup rollup = days.rollup(pending, counted);
    if (lastEntryId != null) {
      rollup = rollup.withLedger(ledgerRowsOf(state, days, ledgerTouched, command.partition(), lastEntryId));
    }
    pending = new ArrayList<>();
    ledgerDelta = new TreeMap<>();
    days.evictBeyond(settings.residentDays(), SiteModel.daysAround(touched));
    ZoneId zone = ZoneId.of(command.timezone());
    LiveReport live = days.liveReport(siteId, System.currentTimeMillis(), zone, CURRENT_WINDOW_MS);
    List<LedgerDay> ledger = rollup.ledger();
    List<HitRow> written = rollup.hits();
    writing = true;
    context.pipeToSelf(rollups.write(siteId, rollup), (done, error) ->
        new BatchWrites(command, lastEntryId, live, ledger, written, error == null ? null : String.valueOf(error.getMessage())));
    return Effect().noReply();
  }

  private void load(Set<LocalDate> missing, Set<LocalDate> missingLedger) {
    loading = true;
    Map<LocalDate, CompletableFuture<List<HitRow>>> reads = new TreeMap<>();
    for (LocalDate day : missing) {
      reads.put(day, hitReader.read(siteId, day).toCompletableFuture());
    }
    CompletableFuture<Map<LocalDate, LedgerDay>> ledger = rollups.ledgerDays(siteId, List.copyOf(new TreeSet<>(missingLedger)))
        .toCompletableFuture();
    CompletableFuture<Map<LocalDate, List<HitRow>>> all = CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          Map<LocalDate, List<HitRow>> loaded = new TreeMap<>();
          reads.forEach((day, read) -> loaded.put(day, read.join()));
          return loaded;
        });
    Set<LocalDate> ledgerRead = Set.copyOf(missingLedger);
    context.pipeToSelf(all.thenCombine(ledger, (loaded, rows) -> new DaysLoaded(loaded, ledgerRead, rows, null)), (loaded, error) ->
        error == null ? loaded : new DaysLoaded(Map.of(), Set.of(), Map.of(), String.valueOf(error.getMessage())));
  }

  /**
   * Counts the part's entries after the watermark and after what this batch counted already into
   * {@link #ledgerDelta}: each hit as an arrival of its kind of id on its day, each edge entry's counts.
   *
   * @param rows the rows of the part's hits among {@code entries}, in order
   */
  private void countIntoLedger(int partition, List<PendingHit> entries, List<HitRow> rows) {
    String mark = ledgerMarks.get(partition);
    int row = 0;
    for (PendingHit entry : entries) {
      HitRow hit = entry.hit() == null ? null : rows.get(row++);
      if (!EntryId.isAfter(entry.entryId(), mark)) {
        continue;
      }
      if (hit != null) {
        ledgerDelta.computeIfAbsent(hit.day(), d -> new TreeMap<>())
            .merge(Ledger.arrived(Ledger.IdKind.ofHitKey(hit.hitKey())), 1L, Long::sum);
      } else {
        entry.ledger().forEach((day, counts) -> counts.forEach((key, count) ->
            ledgerDelta.computeIfAbsent(LocalDate.parse(day), d -> new TreeMap<>()).merge(key, count, Long::sum)));
      }
      mark = entry.entryId();
    }
    if (mark != null) {
      ledgerMarks.put(partition, mark);
    }
  }

  /**
   * The ledger rows of the batch ending at {@code lastEntryId}: per day, the counts before it plus what
   * it added, with the stored counts of the model's resident days. A row a batch wrote whose watermark
   * was never persisted (the node died between the two; that batch is being counted again now) counts
   * from the row before it.
   */
  private List<LedgerDay> ledgerRowsOf(SiteState state, SiteModel days, Set<LocalDate> touched, int partition, String lastEntryId) {
    List<LedgerDay> rows = new ArrayList<>();
    for (LocalDate day : new TreeSet<>(touched)) {
      LedgerDay before = ledgerRows.getOrDefault(day, LedgerDay.empty(day));
      boolean unpersisted = before.batch() != null && EntryId.isAfter(before.batch(), state.watermark(before.partition()));
      Map<String, Long> base = unpersisted ? before.previous() : before.counts();
      Map<String, Long> counts = new TreeMap<>(base);
      ledgerDelta.getOrDefault(day, Map.of()).forEach((key, count) -> counts.merge(key, count, Long::sum));
      Map<String, Long> stored = days.storedCounts(day);
      if (stored != null) {
        counts.putAll(stored);
      }
      rows.add(new LedgerDay(day, counts, base, partition, lastEntryId));
    }
    return rows;
  }

  private ReplyEffect<Event, SiteState> onDaysLoaded(SiteState state, DaysLoaded loaded) {
    loading = false;
    if (loaded.failure() != null) {
      loadFailedAt = System.currentTimeMillis();
      loadFailure = loaded.failure();
      log.warn("Site {} could not read its hits: {}", siteId, loaded.failure());
    } else {
      loadFailure = null;
      long now = System.currentTimeMillis();
      loaded.days().forEach((day, hits) -> model.load(day, hits, now));
      loaded.ledgerRead().forEach(day -> ledgerRows.put(day, loaded.ledger().getOrDefault(day, LedgerDay.empty(day))));
    }
    return Effect().none().thenNoReply().thenUnstashAll();
  }

  private ReplyEffect<Event, SiteState> onBatchWrites(SiteState state, BatchWrites written) {
    RecordHits command = written.command();
    writing = false;
    if (written.failure() != null) {
      // Memory may now hold hits the table does not: start over from the table.
      if (model != null) {
        model.clear();
      }
      alertCheck.forget();
      pending = new ArrayList<>();
      nextParts.clear();
      forgetLedger();
      return Effect().reply(command.replyTo(),
          StatusReply.<Done>error("rollup write failed for site " + siteId + ": " + written.failure())).thenUnstashAll();
    }
    written.ledger().forEach(row -> ledgerRows.put(row.day(), row));
    while (ledgerRows.size() > MAX_LEDGER_ROWS) {
      ledgerRows.remove(ledgerRows.keySet().iterator().next());
    }
    List<Event> events = new ArrayList<>();
    if (written.lastEntryId() != null && EntryId.isAfter(written.lastEntryId(), state.watermark(command.partition()))) {
      events.add(new BatchWritten(command.partition(), written.lastEntryId()));
    } // else a redelivery: the watermark is there already
    long now = System.currentTimeMillis();
    List<AlertCheck.Firing> firings = alertCheck.afterBatch(rules, model, modelZone, views(written.added()), now, state.lastFired());
    events.addAll(fired(state, firings));
    readRulesIfStale(now);
    judgeClosedHour(now);
    if (events.isEmpty()) {
      liveTopic.tell(Topic.publish(written.live().withAlerts(state.recentFirings(now))));
      return Effect().reply(command.replyTo(), StatusReply.ack()).thenUnstashAll();
    }
    return Effect()
        .persist(events)
        .thenRun(after -> {
          liveTopic.tell(Topic.publish(written.live().withAlerts(after.recentFirings(now))));
          announce(after, firings);
        })
        .thenReply(command.replyTo(), s -> StatusReply.ack())
        .thenUnstashAll();
  }

  private static List<AlertCheck.HitRowView> views(List<HitRow> hits) {
    List<AlertCheck.HitRowView> views = new ArrayList<>(hits.size());
    for (HitRow hit : hits) {
      if (!hit.bot()) {
        views.add(new AlertCheck.HitRowView(hit.timestamp(), hit.day(), hit.isPageview(), hit.isCustomEvent(), hit.eventName(),
            hit.property("page")));
      }
    }
    return views;
  }

  /** The events of these firings; a firing that would push an undelivered one out counts it as given up. */
  private List<Event> fired(SiteState state, List<AlertCheck.Firing> firings) {
    List<Event> events = new ArrayList<>();
    int waiting = state.undelivered().size();
    for (AlertCheck.Firing firing : firings) {
      boolean deliver = rules.stream().anyMatch(rule -> rule.id().equals(firing.ruleId()) && rule.webhook() != null);
      if (deliver && ++waiting > SiteState.MAX_UNDELIVERED) {
        Telemetry.get(context.getSystem()).alertDelivery("given_up");
        log.warn("Site {}: more than {} alert firings wait for their webhooks; the oldest is given up", siteId,
            SiteState.MAX_UNDELIVERED);
      }
      events.add(new AlertFired(firing.ruleId(), firing.window(), firing.deliveryId(), firing.body(), deliver, firing.firedAt()));
    }
    return events;
  }

  /** After firings are persisted: each to its webhook (the live report shows them from the state). */
  private void announce(SiteState state, List<AlertCheck.Firing> firings) {
    for (AlertCheck.Firing firing : firings) {
      Telemetry.get(context.getSystem()).alertFired(rules.stream().filter(rule -> rule.id().equals(firing.ruleId()))
          .map(rule -> rule.kind().key()).findFirst().orElse("unknown"));
      if (state.undelivered().containsKey(firing.deliveryId()) && !delivering.contains(firing.deliveryId())) {
        attemptDelivery(state, firing.deliveryId(), 0);
      }
    }
  }

  private void readRulesIfStale(long now) {
    if (!readingRules && (rulesChanged || now - rulesReadAt >= RULES_FRESH_MS)) {
      readingRules = true;
      rulesChanged = false;
      context.pipeToSelf(alerts.rules(siteId), (read, error) ->
          new RulesRead(read, error == null ? null : String.valueOf(error.getMessage())));
    }
  }

  private ReplyEffect<Event, SiteState> onRulesRead(SiteState state, RulesRead read) {
    readingRules = false;
    rulesReadAt = System.currentTimeMillis();
    if (rulesChanged) {
      readRulesIfStale(rulesReadAt); // a rule changed while these were read
    }
    if (read.failure() != null) {
      log.warn("Site {} could not read its alert rules: {}", siteId, read.failure());
      return Effect().noReply();
    }
    rules = read.rules();
    // Firings persisted by an earlier incarnation (or waiting for these rules) are delivered now.
    state.undelivered().keySet().stream().filter(id -> !delivering.contains(id)).toList()
        .forEach(id -> attemptDelivery(state, id, 0));
    List<AlertCheck.Firing> firings = model == null || writing || loading ? List.of()
        : alertCheck.afterBatch(rules, model, modelZone, List.of(), rulesReadAt, state.lastFired());
    return persistFirings(state, firings);
  }

  private ReplyEffect<Event, SiteState> persistFirings(SiteState state, List<AlertCheck.Firing> firings) {
    if (firings.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(fired(state, firings)).thenRun(after -> announce(after, firings)).thenNoReply();
  }

  /** Reads the last closed hour and its baseline when a spike or drop rule has not judged it yet. */
  private void judgeClosedHour(long now) {
    Instant hour = readingHour ? null : alertCheck.hourToJudge(rules, model, now);
    if (hour == null) {
      return;
    }
    readingHour = true;
    List<Instant> hours = new ArrayList<>(AlertCheck.baselineHours(hour, modelZone));
    hours.add(0, hour);
    context.pipeToSelf(alerts.pageviews(siteId, hours), (read, error) ->
        new HourRead(hour, read, error == null ? null : String.valueOf(error.getMessage())));
  }

  private ReplyEffect<Event, SiteState> onHourRead(SiteState state, HourRead read) {
    readingHour = false;
    if (read.failure() != null || modelZone == null) {
      log.warn("Site {} could not read the hours its spike and drop alerts judge: {}", siteId, read.failure());
      return Effect().noReply();
    }
    return persistFirings(state,
        alertCheck.judgeHour(rules, read.hour(), modelZone, read.pageviews(), System.currentTimeMillis(), state.lastFired()));
  }

  /** One webhook attempt of an undelivered firing; a firing whose rule is gone (or has no webhook now) is given up. */
  private void attemptDelivery(SiteState state, String deliveryId, int attempt) {
    SiteState.Undelivered firing = state.undelivered().get(deliveryId);
    if (firing == null || rulesReadAt == 0) {
      return; // delivered meanwhile, or the rules are not read yet (their reading delivers it)
    }
    AlertRule rule = rules.stream().filter(r -> r.id().equals(firing.ruleId())).findFirst().orElse(null);
    delivering.add(deliveryId);
    if (rule == null || rule.webhook() == null) {
      context.getSelf().tell(new DeliveryAttempted(deliveryId, attempt, DeliveryAttempted.NO_WEBHOOK, "its rule has no webhook any more",
          incarnation));
      return;
    }
    String sentBy = incarnation;
    context.pipeToSelf(alerts.post(rule.webhook(), rule.secret(), deliveryId, firing.body()), (status, error) ->
        new DeliveryAttempted(deliveryId, attempt, status == null ? 0 : status, error == null ? null : String.valueOf(error), sentBy));
  }

  private ReplyEffect<Event, SiteState> onDeliveryAttempted(SiteState state, DeliveryAttempted attempt) {
    if (!attempt.incarnation().equals(incarnation)) {
      return Effect().noReply(); // an attempt from before a restart: this incarnation delivers the firing itself
    }
    String id = attempt.deliveryId();
    boolean delivered = attempt.status() >= 200 && attempt.status() <= 299;
    if (delivered || attempt.status() == DeliveryAttempted.NO_WEBHOOK || attempt.attempt() + 1 >= MAX_DELIVERY_ATTEMPTS) {
      delivering.remove(id);
      Telemetry.get(context.getSystem()).alertDelivery(delivered ? "delivered" : "given_up");
      if (!delivered) {
        log.warn("Site {}: alert firing {} given up after {} attempts: {}", siteId, id, attempt.attempt() + 1,
            attempt.failure() != null ? attempt.failure() : "status " + attempt.status());
      }
      return Effect().persist(new AlertDelivered(id, !delivered)).thenNoReply();
    }
    Telemetry.get(context.getSystem()).alertDelivery("failed");
    long backoff = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(attempt.attempt(), 20));
    long jittered = (long) (backoff * (0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
    RetryDelivery retry = new RetryDelivery(id, attempt.attempt() + 1, incarnation);
    var entity = ClusterSharding.get(context.getSystem()).entityRefFor(ENTITY_TYPE_KEY, siteId);
    context.getSystem().scheduler().scheduleOnce(Duration.ofMillis(jittered), () -> entity.tell(retry),
        context.getSystem().executionContext());
    return Effect().noReply();
  }

  /** Nothing counted into the ledger and not written is known any more: the batch is counted again from the watermark. */
  private void forgetLedger() {
    ledgerRows.clear();
    ledgerDelta = new TreeMap<>();
    ledgerMarks.clear();
  }

  @Override
  public SignalHandler<SiteState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // Pekko restarts an entity after a journal failure with this same object: nothing held
          // before is known to be written.
          model = null;
          pending = new ArrayList<>();
          nextParts.clear();
          forgetLedger();
          loading = false;
          writing = false;
          readingHour = false;
          delivering.clear();
          incarnation = java.util.UUID.randomUUID().toString();
          rulesReadAt = 0;
          readRulesIfStale(System.currentTimeMillis());
          log.info("Site {} recovered on this node", siteId); // where a site lives, for operators and the cluster tests
        })
        .build();
  }

  @Override
  public EventHandler<SiteState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BatchWritten.class, (state, event) -> state.advanced(event.partition(), event.lastEntryId()))
        .onEvent(HitsRecorded.class, (state, event) -> state.advanced(event.partition(), event.lastEntryId()))
        .onEvent(AlertFired.class, (state, event) -> state.fired(event.ruleId(), event.window(), event.deliveryId(),
            event.deliver() ? new SiteState.Undelivered(event.ruleId(), event.body()) : null,
            new SiteState.Recent(event.firedAt(), event.body())))
        .onEvent(AlertDelivered.class, (state, event) -> state.delivered(event.deliveryId()))
        .build();
  }
}
