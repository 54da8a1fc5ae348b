package biz.vulcantracker.katric;

import biz.vulcantracker.common.Roles;
import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.katric.SiteEntity.PendingHit;
import biz.vulcantracker.katric.SiteEntity.RecordHits;
import biz.vulcantracker.queue.ChunkEntry;
import biz.vulcantracker.queue.EntryId;
import biz.vulcantracker.queue.PartitionReader;
import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.queue.LedgerEntry;
import biz.vulcantracker.queue.QueuedHitCodec;
import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.queue.StreamEntry;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import biz.vulcantracker.telemetry.Readiness;
import biz.vulcantracker.telemetry.Telemetry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of one stream partition; exactly one runs per partition in the cluster
 * (ShardedDaemonProcess on katric nodes), under the partition's stable consumer name.
 *
 * <p>It reads a batch, splits it by site (stream order kept within each site), enriches each hit
 * into what the entity counts, and asks each site's entity to record its share in parts bounded in
 * bytes ({@link HitParts}) — sites in parallel, one part per site at a time, in order — and
 * acknowledges the entries only after every entity confirmed every part. Any failure restarts the
 * stream with backoff, and the restarted reader re-reads its own pending entries first, so nothing
 * is acknowledged unpersisted; parts already persisted are at or below their entity's watermark the
 * second time. After a failed part the parts are made smaller (halved, down to one hit), so that a
 * message that could not be sent for its size is retried smaller and never again as it was.
 */
public final class HitConsumer {

  private static final Logger log = LoggerFactory.getLogger(HitConsumer.class);
  /** Room in a {@link RecordHits} for what is not a hit: time zone, partition, reply address. */
  static final int COMMAND_OVERHEAD_BYTES = 1024;

  /**
   * Where a site's share of a batch goes: its entity, wherever in the cluster it lives (a test gives
   * a probe instead).
   */
  interface SiteEntities {
    CompletionStage<Done> record(String siteId, Function<ActorRef<StatusReply<Done>>, RecordHits> command, Duration timeout);
  }

  private final SiteEntities entities;
  /** A site by id; empty when it is gone (deleted after the edge accepted its hits). */
  private final Function<String, CompletionStage<Optional<Site>>> sites;
  private final KatricSettings settings;
  private final int partition;
  private final HitEnricher enricher;
  private final Telemetry telemetry;
  private final PartSize partSize;

  HitConsumer(SiteEntities entities, Function<String, CompletionStage<Optional<Site>>> sites, KatricSettings settings,
      int partition, HitEnricher enricher, Telemetry telemetry) {
    this.entities = entities;
    this.telemetry = telemetry;
    this.sites = sites;
    this.settings = settings;
    this.partition = partition;
    this.enricher = enricher;
    this.partSize = new PartSize(settings.maxMessageBytes() - COMMAND_OVERHEAD_BYTES);
  }

  /** Starts one consumer per partition across the katric nodes of the cluster. */
  public static void init(
      ActorSystem<?> system, QueueSettings queue, SiteCatalog sites, KatricSettings settings) {
    HitEnricher enricher = new HitEnricher(UserAgentClassifier.shared(), ReferrerSources.load());
    ConsumerHealth health = ConsumerHealth.get(system);
    health.registerMeters(Telemetry.get(system).registry(), queue.partitions(), settings.stallAfter());
    Readiness.get(system).require(() ->
        !health.failingLongerThan(ConsumerHealth.FAILURE_GRACE) && !health.stalledLongerThan(settings.stallAfter()));
    ShardedDaemonProcess.get(system)
        .init(
            Void.class,
            "hit-consumers",
            queue.partitions(),
            partition -> create(queue, sites, settings, enricher, partition),
            ShardedDaemonProcessSettings.create(system).withRole(Roles.KATRIC),
            Optional.empty());
  }

  static Behavior<Void> create(
      QueueSettings queue, SiteCatalog sites, KatricSettings settings, HitEnricher enricher, int partition) {
    return Behaviors.setup(
        context -> {
          ActorSystem<?> system = context.getSystem();
          ClusterSharding sharding = ClusterSharding.get(system);
          HitConsumer consumer = new HitConsumer(
              (siteId, command, timeout) ->
                  sharding.entityRefFor(SiteEntity.ENTITY_TYPE_KEY, siteId).askWithStatus(command::apply, timeout),
              siteId -> sites.loaded().thenCompose(loaded -> find(sites, siteId)),
              settings, partition, enricher, Telemetry.get(system));
          ConsumerHealth health = ConsumerHealth.get(system);
          RedisConnections redis = RedisConnections.get(system);
          RestartSettings backoff =
              RestartSettings.create(queue.restartMinBackoff(), queue.restartMaxBackoff(), queue.restartRandomFactor());
          UniqueKillSwitch killSwitch =
              RestartSource.onFailuresWithBackoff(
                      backoff,
                      () ->
                          PartitionReader.source(redis, queue, partition)
                              // Batches read while the previous one is being persisted become one: a
                              // quiet partition then persists once per round trip instead of once per
                              // hit that happened to arrive, and a busy one in big batches.
                              .<PartitionReader.Batch>batchWeighted(queue.readBatchSize(), PartitionReader.Batch::items, batch -> batch, PartitionReader.Batch::merge)
                              .via(consumer.recording(health, PartitionReader.Batch::acknowledge))
                              .watchTermination((notUsed, done) -> {
                                done.whenComplete((ok, failure) -> {
                                  if (failure != null) {
                                    health.failed(partition);
                                  }
                                });
                                return notUsed;
                              }))
                  .viaMat(KillSwitches.single(), Keep.right())
                  .toMat(Sink.ignore(), Keep.left())
                  .run(system);
          context.getLog().info("Consuming partition {}", partition);
          return Behaviors.<Void>receive(Void.class)
              .onSignal(PostStop.class, signal -> {
                killSwitch.shutdown();
                health.stopped(partition); // moved to another node, or stopped: not this node's failure
                context.getLog().info("Stopped consuming partition {}", partition);
                return Behaviors.same();
              })
              .build();
        });
  }

  /**
   * Each batch recorded by its sites' entities, then acknowledged (by {@code acknowledge}); the next
   * batch is taken only after that. {@code health} hears of every batch held and every one acknowledged.
   */
  Flow<PartitionReader.Batch, Done, NotUsed> recording(
      ConsumerHealth health, Function<PartitionReader.Batch, CompletionStage<Done>> acknowledge) {
    return Flow.<PartitionReader.Batch>create()
        .mapAsync(1, batch -> {
          health.holding(partition);
          return record(batch).thenCompose(done -> acknowledge.apply(batch));
        })
        .map(acknowledged -> {
          health.advanced(partition);
          return acknowledged;
        });
  }

  /** Has every site of the batch record its hits; completes when all have persisted. */
  private CompletionStage<Done> record(PartitionReader.Batch batch) {
    telemetry.batchSizes().record(batch.items());
    Map<String, List<Decoded>> bySite = new LinkedHashMap<>();
    for (StreamEntry entry : batch.entries()) {
      for (Decoded decoded : decode(entry)) {
        bySite.computeIfAbsent(decoded.siteId(), id -> new ArrayList<>()).add(decoded);
      }
    }
    long partLimit = partSize.bytes();
    List<CompletableFuture<Done>> asks = new ArrayList<>(bySite.size());
    bySite.forEach((siteId, hits) -> asks.add(recordSite(siteId, hits, partLimit).toCompletableFuture()));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      partSize.succeeded(partLimit);
      return Done.getInstance();
    });
  }

  /** An item read, under its own id: a hit before enrichment, or an edge's ledger entry. */
  private record Decoded(String entryId, QueuedHit hit, LedgerEntry ledger) {
    String siteId() {
      return hit != null ? hit.siteId() : ledger.siteId();
    }
  }

  private CompletionStage<Done> recordSite(String siteId, List<Decoded> hits, long partLimit) {
    return sites.apply(siteId).thenCompose(site -> {
      if (site.isEmpty()) {
        // The site was deleted after the edge accepted these hits: nothing is left to count them for.
        log.warn("Dropping {} hits of partition {} for deleted site {}", hits.size(), partition, siteId);
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      ZoneId zone = site.get().timezone();
      List<PendingHit> enriched = hits.stream()
          .map(d -> d.hit() == null
              ? new PendingHit(d.entryId(), null, d.ledger().counts())
              : new PendingHit(d.entryId(), RecordedHit.from(d.hit(), enrich(site.get(), d.hit()), zone)))
          .toList();
      List<List<PendingHit>> parts = HitParts.split(enriched, partLimit);
      CompletionStage<Done> sent = CompletableFuture.completedFuture(Done.getInstance());
      for (int i = 0; i < parts.size(); i++) {
        List<PendingHit> part = parts.get(i);
        int index = i;
        boolean last = i == parts.size() - 1;
        sent = sent.thenCompose(done -> recordPart(siteId, zone.getId(), part, index, last, partLimit));
      }
      return sent;
    });
  }

  private CompletionStage<Done> recordPart(
      String siteId, String timezone, List<PendingHit> part, int index, boolean last, long partLimit) {
    Timer.Sample persisting = Timer.start();
    return entities
        .record(siteId, replyTo -> new RecordHits(partition, timezone, part, index, last, replyTo), settings.persistTimeout())
        .whenComplete((done, error) -> {
          persisting.stop(telemetry.persistLatency());
          if (error != null) {
            long smaller = partSize.failed(partLimit);
            log.warn("A part of {} hits for site {} of partition {} failed ({}); parts are now at most {} bytes",
                part.size(), siteId, partition, error.getMessage(), smaller);
          }
        });
  }

  private Dimensions enrich(Site site, QueuedHit hit) {
    if (!hit.isClassified()) { // an entry an older edge queued with its raw User-Agent
      return enricher.enrich(site, hit.channel(), hit.url(), hit.referrer(), hit.screenWidth(), hit.userAgent(),
          hit.country(), hit.region(), hit.city());
    }
    return enricher.enrich(site, hit.channel(), hit.url(), hit.referrer(), hit.screenWidth(),
        new UserAgentClassifier.Agent(hit.browser(), hit.browserVersion(), hit.os(), hit.osVersion(), hit.device(), hit.bot()),
        hit.country(), hit.region(), hit.city());
  }

  /** The cached site, or a direct read when this node's cache has not seen a brand-new site yet. */
  private static CompletionStage<Optional<Site>> find(SiteCatalog sites, String siteId) {
    Optional<Site> cached = sites.find(siteId);
    return cached.isPresent()
        ? CompletableFuture.completedFuture(cached)
        : sites.repository().find(siteId);
  }

  /** The entry's items in order: a chunk's hits then its ledger entries under ids of their own, else the entry. */
  private List<Decoded> decode(StreamEntry entry) {
    if (entry.fields() == null || entry.fields().isEmpty()) {
      log.warn("Skipping deleted entry {} of partition {}", entry.id(), partition);
      telemetry.invalidEntries().increment();
      return List.of();
    }
    try {
      if (ChunkEntry.isChunk(entry.fields())) {
        ChunkEntry chunk = ChunkEntry.decode(entry.fields());
        List<Decoded> items = new ArrayList<>(chunk.hits().size() + chunk.ledger().size());
        chunk.hits().forEach(hit -> items.add(new Decoded(EntryId.item(entry.id(), items.size()), hit, null)));
        chunk.ledger().forEach(ledger -> items.add(new Decoded(EntryId.item(entry.id(), items.size()), null, ledger)));
        return items;
      }
      return List.of(LedgerEntry.isLedger(entry.fields())
          ? new Decoded(entry.id(), null, LedgerEntry.decode(entry.fields()))
          : new Decoded(entry.id(), QueuedHitCodec.decode(entry.fields()), null));
    } catch (IllegalArgumentException e) {
      // A malformed entry can never be counted; acknowledging it keeps it from blocking the partition.
      log.warn("Skipping malformed entry {} of partition {}: {}", entry.id(), partition, e.getMessage());
      telemetry.invalidEntries().increment();
      return List.of();
    }
  }
}
