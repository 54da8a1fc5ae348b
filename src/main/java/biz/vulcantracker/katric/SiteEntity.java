package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import biz.vulcantracker.common.Roles;
import biz.vulcantracker.queue.EntryId;
import biz.vulcantracker.store.HitRow;
import biz.vulcantracker.store.Rollup;
import biz.vulcantracker.store.RollupWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
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

/**
 * One site, cluster-sharded and event-sourced.
 *
 * <p>{@link RecordHits} (a part of one partition's batch, in stream order, enriched) → the hits after
 * the partition's watermark become one {@link HitsRecorded} event → the state counts them, sequences
 * them into visits and moves the watermark → with the batch's last part, the hits of all its parts
 * are written to the hits table and the rollup rows the parts changed are written → the reply lets the
 * consumer go on (and, after the last part of every site, acknowledge the entries). A redelivered
 * part finds its hits at or below the watermark, persists nothing, rewrites the same rows and is
 * acknowledged again: counted once.
 *
 * <p>The hits table is written once per batch, not per part: its rows are chunks of a write's hits by
 * visitor bucket, and a batch written in parts made as many more rows. The parts' hits wait in this
 * incarnation's memory ({@link #batchRows}); a last part that finds earlier parts missing (the entity
 * restarted between them) is answered with an error, and the consumer sends the batch again.
 *
 * <p>The rollup rows a part changed are remembered until a rollup write takes them; what a failed
 * write or an earlier incarnation of the entity took is not known here, so after either the next
 * rollup write is a full one ({@link #fullRollupOwed}).
 */
public final class SiteEntity
    extends EventSourcedBehaviorWithEnforcedReplies<SiteEntity.Command, SiteEntity.Event, SiteState> {

  private static final Logger log = LoggerFactory.getLogger(SiteEntity.class);

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Site");

  static final long CURRENT_WINDOW_MS = Duration.ofMinutes(5).toMillis();

  public sealed interface Command extends CborSerializable {}

  /**
   * Count a part of one partition's batch for this site, in stream order. A batch's parts come one
   * at a time, in order, each bounded in bytes ({@link HitParts}).
   *
   * @param timezone the site's time zone, for the live report's "today"
   * @param part the part's place in the batch, from 0
   * @param lastPart whether this part ends the batch: then the batch's hit rows and the rollup are written
   */
  public record RecordHits(
      int partition, String timezone, List<PendingHit> hits, int part, boolean lastPart, ActorRef<StatusReply<Done>> replyTo)
      implements Command, SizeBounded {}

  /** How many visitors had a hit in the five minutes before {@code now} (docs/api.md's current visitors). */
  public record GetCurrentVisitors(long now, ActorRef<CurrentVisitors> replyTo) implements Command {}

  /** The site's live picture now (today in {@code timezone}), answered with a {@link LiveReport}. */
  public record GetLiveReport(long now, String timezone, ActorRef<LiveReport> replyTo) implements Command {}

  /** The answer to {@link GetCurrentVisitors}. */
  public record CurrentVisitors(int visitors) implements CborSerializable {}

  /**
   * A hit read from the stream and not yet acknowledged, already enriched: only what the entity
   * counts travels to it (no User-Agent, no full URL).
   */
  public record PendingHit(String entryId, RecordedHit hit) implements CborSerializable {

    /** At least the bytes this hit takes in a serialized {@link RecordHits}. */
    int sizeBound() {
      return RecordedHit.cborBytes(entryId) + hit.sizeBound();
    }
  }

  public sealed interface Event extends CborSerializable {}

  /** Hits of one partition counted, up to and including stream entry {@code lastEntryId}. */
  public record HitsRecorded(int partition, String lastEntryId, List<RecordedHit> hits) implements Event, SizeBounded {}

  private final String siteId;
  private final RollupWriter rollups;
  private final KatricSettings settings;
  private final ActorRef<Topic.Command<LiveReport>> liveTopic;

  private final SnapshotAdapter<SiteState> snapshots;
  private final SiteState pristine = SiteState.empty();
  /**
   * Set when this incarnation cannot know which rollup rows are still unwritten: after a recovery
   * (the previous one may have persisted parts whose rows it never wrote) and after a failed write.
   * Written by a write's completion, read by the next command, which comes after the reply.
   */
  private volatile boolean fullRollupOwed = true;
  /** Hit rows of the batch's parts so far, written with its last part; touched on the actor's thread only. */
  private List<HitRow> batchRows = new ArrayList<>();
  /** The partition and next part expected of the batch being received; -1: none begun. */
  private int batchPartition = -1;
  private int nextPart = 0;

  private SiteEntity(String siteId, RollupWriter rollups, KatricSettings settings, ActorRef<Topic.Command<LiveReport>> liveTopic,
      SnapshotAdapter<SiteState> snapshots) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), siteId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.snapshots = snapshots;
    this.siteId = siteId;
    this.rollups = rollups;
    this.settings = settings;
    this.liveTopic = liveTopic;
  }

  /** Registers the entity type with Cluster Sharding (a proxy only, on nodes without the role). */
  public static void init(ActorSystem<?> system, RollupWriter rollups, KatricSettings settings) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_TYPE_KEY, context -> create(context.getEntityId(), rollups, settings))
                .withRole(Roles.KATRIC));
  }

  public static Behavior<Command> create(String siteId, RollupWriter rollups, KatricSettings settings) {
    return Behaviors.setup(context -> new SiteEntity(siteId, rollups, settings,
        context.spawn(LiveReport.topic(siteId), "live"), StateSnapshot.adapter(context.getSystem())));
  }

  @Override
  public SnapshotAdapter<SiteState> snapshotAdapter() {
    return snapshots;
  }

  /**
   * The empty state, never changed itself: the first event is applied to a new state instead (see
   * {@link #eventHandler()}). Pekko takes the empty state once per behavior and restarts it after a
   * journal failure (Cassandra away) with the same object; had the failed incarnation's events gone
   * into it, the recovery would replay the journal on top of them and count every event twice.
   */
  @Override
  public SiteState emptyState() {
    return pristine;
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
        .onCommand(GetCurrentVisitors.class, (state, query) ->
            Effect().reply(query.replyTo(), new CurrentVisitors(state.visitorsActiveSince(query.now() - CURRENT_WINDOW_MS))))
        .onCommand(GetLiveReport.class, (state, query) -> Effect().reply(query.replyTo(),
            state.liveReport(siteId, query.now(), ZoneId.of(query.timezone()), CURRENT_WINDOW_MS)))
        .build();
  }

  private ReplyEffect<Event, SiteState> onRecordHits(SiteState state, RecordHits command) {
    ZoneId zone = ZoneId.of(command.timezone());
    String watermark = state.watermark(command.partition());
    List<RecordedHit> fresh = new ArrayList<>();
    // The hits table gets the fresh hits and those counted before: an earlier attempt may have
    // failed after its persist but before its writes. Rewriting a row is harmless (same key, same values).
    List<HitRow> rows = new ArrayList<>();
    Set<String> batchIds = new HashSet<>();
    for (PendingHit pending : command.hits()) {
      RecordedHit hit = pending.hit();
      if (!EntryId.isAfter(pending.entryId(), watermark)) {
        hit.toRow().ifPresent(rows::add); // redelivered: this entry is counted
        continue;
      }
      // The same hit under another entry id, or a repeated client event id: counted once.
      if (state.isNew(hit) && batchIds.add(hit.hitId())
          && (hit.clientEventId() == null || batchIds.add("i:" + hit.day() + ":" + hit.clientEventId()))) {
        fresh.add(hit);
        hit.toRow().ifPresent(rows::add);
      }
    }
    if (fresh.isEmpty()) {
      // Already counted (a redelivery): the rows are written again before the entries are
      // acknowledged, and the live report published, since the earlier attempt may have stopped short.
      return Effect().none().thenRun(s -> write(s, rows, command, zone)).thenNoReply();
    }
    String lastEntryId = command.hits().get(command.hits().size() - 1).entryId();
    return Effect()
        .persist(new HitsRecorded(command.partition(), lastEntryId, fresh))
        .thenRun(s -> write(s, rows, command, zone))
        .thenNoReply();
  }

  /**
   * Keeps the part's hit rows; with the last part, writes the batch's hit rows and the rollup: every
   * day's totals (a hit can change a visit that started on an earlier day: its duration, its bounce)
   * and the breakdown rows and hours changed since the last rollup write. Immutable copies are taken
   * here, on the actor's thread; the live report is published once the rows are written, so that its
   * numbers are those the stats API then answers.
   */
  private void write(SiteState state, List<HitRow> rows, RecordHits command, ZoneId zone) {
    boolean inSequence = command.part() == 0 || (command.partition() == batchPartition && command.part() == nextPart);
    if (command.part() == 0) {
      batchRows = new ArrayList<>();
      batchPartition = command.partition();
    }
    batchRows.addAll(rows);
    nextPart = command.part() + 1;
    if (!inSequence) {
      batchPartition = -1;
      batchRows = new ArrayList<>();
      command.replyTo().tell(StatusReply.error("part " + command.part() + " of a batch whose earlier parts site " + siteId
          + " did not receive (its entity restarted): send the batch again"));
      return;
    }
    if (!command.lastPart()) {
      command.replyTo().tell(StatusReply.ack()); // persisted: counted; its rows go with the last part
      return;
    }
    List<HitRow> hits = batchRows;
    batchRows = new ArrayList<>();
    batchPartition = -1;
    boolean full = fullRollupOwed;
    fullRollupOwed = false;
    Rollup rollup = full ? state.fullRollup(hits) : state.changedRollup(hits);
    writeThenReply(rollup, command.replyTo(), state.liveReport(siteId, System.currentTimeMillis(), zone, CURRENT_WINDOW_MS));
  }

  /** {@code live} is published after the write. */
  private void writeThenReply(Rollup rollup, ActorRef<StatusReply<Done>> replyTo, LiveReport live) {
    rollups
        .write(siteId, rollup)
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                fullRollupOwed = true;
              } else {
                liveTopic.tell(Topic.publish(live));
              }
              replyTo.tell(
                  error == null
                      ? StatusReply.ack()
                      : StatusReply.error("rollup write failed for site " + siteId + ": " + error.getMessage()));
            });
  }

  @Override
  public SignalHandler<SiteState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          fullRollupOwed = true;
          // Pekko restarts an entity after a journal failure with this same object: parts kept
          // before may not be followed by theirs.
          batchPartition = -1;
          batchRows = new ArrayList<>();
          log.info("Site {} recovered on this node", siteId); // where a site lives, for operators and the cluster tests
        })
        .build();
  }

  @Override
  public EventHandler<SiteState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(HitsRecorded.class, (state, event) -> (state == pristine ? SiteState.empty() : state).apply(event, settings))
        .build();
  }
}
