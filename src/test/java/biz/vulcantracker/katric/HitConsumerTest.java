package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.katric.SiteEntity.PendingHit;
import biz.vulcantracker.katric.SiteEntity.RecordHits;
import biz.vulcantracker.model.Ledger;
import biz.vulcantracker.queue.ChunkEntry;
import biz.vulcantracker.queue.LedgerEntry;
import biz.vulcantracker.queue.PartitionReader;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.queue.QueuedHitCodec;
import biz.vulcantracker.queue.StreamEntry;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.telemetry.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The partition consumer's stage between the reader and the acknowledgement, fed by a test source
 * and answered by a probe in place of the site entities (as the Pekko platform guide tests its
 * projection handler): what each entity is asked, in which order, and that a batch is acknowledged
 * only once every part of every site was confirmed. Production settings (part sizes included).
 */
class HitConsumerTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final HitEnricher ENRICHER = new HitEnricher(UserAgentClassifier.shared(), ReferrerSources.load());
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final long NOON = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();

  private final TestProbe<RecordHits> entities = testKit.createTestProbe();
  private final List<List<String>> acknowledged = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong();
  private final ConsumerHealth health = new ConsumerHealth(clock::get);
  private TestPublisher.Probe<PartitionReader.Batch> batches;
  private TestSubscriber.Probe<Done> done;

  @BeforeEach
  void start() {
    HitConsumer consumer = new HitConsumer(
        (siteId, command, timeout) -> AskPattern.askWithStatus(entities.ref(), command::apply, timeout, testKit.scheduler()),
        siteId -> CompletableFuture.completedFuture(siteId.equals("gone.example") ? Optional.empty() : Optional.of(site(siteId))),
        SessionsTest.SETTINGS, 3, ENRICHER, Telemetry.get(testKit.system()));
    Pair<TestPublisher.Probe<PartitionReader.Batch>, TestSubscriber.Probe<Done>> probes = TestSource.<PartitionReader.Batch>probe(Adapter.toClassic(testKit.system()))
        .via(consumer.recording(health, batch -> {
          acknowledged.add(batch.entries().stream().map(StreamEntry::id).toList());
          return CompletableFuture.completedFuture(Done.getInstance());
        }))
        .toMat(TestSink.<Done>probe(Adapter.toClassic(testKit.system())), Keep.both())
        .run(testKit.system());
    batches = probes.first();
    done = probes.second();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void eachSiteRecordsItsShareInStreamOrderAndTheBatchIsAcknowledgedAfterAllConfirmed() {
    List<StreamEntry> entries = List.of(
        entry("1-0", hit("a.example", "https://a.example/")),
        entry("2-0", hit("b.example", "https://b.example/")),
        new StreamEntry("3-0", Map.of(QueuedHitCodec.FIELD, "{not json")),
        entry("4-0", hit("a.example", "https://a.example/pricing")),
        entry("5-0", hit("gone.example", "https://gone.example/")));
    done.request(1);
    batches.sendNext(new PartitionReader.Batch(3, entries, null));

    List<RecordHits> asked = List.of(entities.receiveMessage(), entities.receiveMessage());
    RecordHits a = asked.stream().filter(r -> r.hits().get(0).hit().dims().hostname().equals("a.example")).findFirst().orElseThrow();
    RecordHits b = asked.stream().filter(r -> r.hits().get(0).hit().dims().hostname().equals("b.example")).findFirst().orElseThrow();
    assertThat(a.hits()).extracting(PendingHit::entryId).containsExactly("1-0", "4-0");
    assertThat(a.hits()).extracting(h -> h.hit().dims().page()).containsExactly("/", "/pricing");
    assertThat(a.partition()).isEqualTo(3);
    assertThat(a.timezone()).isEqualTo("Europe/Berlin");
    assertThat(List.of(a.part(), b.part())).containsExactly(0, 0);
    assertThat(a.lastPart() && b.lastPart()).isTrue();
    assertThat(b.hits()).extracting(PendingHit::entryId).containsExactly("2-0");
    entities.expectNoMessage(Duration.ofMillis(100)); // the deleted site is asked nothing

    clock.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(health.stalledLongerThan(Duration.ofMinutes(1))).as("the batch is held, unacknowledged").isTrue();
    a.replyTo().tell(StatusReply.ack());
    done.expectNoMessage(Duration.ofMillis(200));
    assertThat(acknowledged).as("b has not confirmed yet").isEmpty();

    b.replyTo().tell(StatusReply.ack());
    done.expectNext(Done.getInstance());
    // The malformed entry and the deleted site's are acknowledged too: they can never be counted.
    assertThat(acknowledged).containsExactly(List.of("1-0", "2-0", "3-0", "4-0", "5-0"));
    assertThat(health.stalledLongerThan(Duration.ZERO)).isFalse();
  }

  @Test
  void aShareLargerThanOneMessageGoesInOrderedPartsOneAtATime() {
    List<StreamEntry> entries = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      // Long paths make each hit ~2.5 KiB: 400 of them cannot fit in one 128 KiB message.
      entries.add(entry(i + "-0", hit("a.example", "https://a.example/" + i + "/" + "x".repeat(2000))));
    }
    done.request(1);
    batches.sendNext(new PartitionReader.Batch(3, entries, null));

    List<String> recorded = new ArrayList<>();
    for (int part = 0; ; part++) {
      RecordHits message = entities.receiveMessage();
      assertThat(message.part()).isEqualTo(part);
      long bound = message.hits().stream().mapToLong(PendingHit::sizeBound).sum();
      assertThat(bound).isLessThanOrEqualTo(SessionsTest.SETTINGS.maxMessageBytes() - HitConsumer.COMMAND_OVERHEAD_BYTES);
      message.hits().forEach(h -> recorded.add(h.entryId()));
      if (message.lastPart()) {
        assertThat(part).as("parts").isGreaterThan(1);
        message.replyTo().tell(StatusReply.ack());
        break;
      }
      entities.expectNoMessage(Duration.ofMillis(50)); // the next part waits for this one
      message.replyTo().tell(StatusReply.ack());
    }
    done.expectNext(Done.getInstance());
    assertThat(recorded).isEqualTo(entries.stream().map(StreamEntry::id).toList());
    assertThat(acknowledged).hasSize(1);
  }

  @Test
  void aChunksItemsAreRecordedInOrderUnderIdsOfTheirOwnAcrossParts() {
    List<QueuedHit> hits = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      hits.add(hit("a.example", "https://a.example/" + i + "/" + "x".repeat(2000)));
    }
    LedgerEntry skipped = new LedgerEntry("a.example", Map.of("2026-11-27", Map.of(Ledger.skipped("bot"), 7L)));
    List<StreamEntry> entries = List.of(
        entry("5-0", hit("b.example", "https://b.example/")),
        new StreamEntry("6-0", new ChunkEntry(hits, List.of(skipped)).encode()),
        entry("7-0", hit("a.example", "https://a.example/after")));
    PartitionReader.Batch batch = new PartitionReader.Batch(3, entries, null);
    assertThat(batch.items()).isEqualTo(1 + 151 + 1);
    done.request(1);
    batches.sendNext(batch);

    List<PendingHit> recorded = new ArrayList<>();
    boolean lastOfA = false;
    while (!lastOfA) {
      RecordHits message = entities.receiveMessage();
      if (message.hits().get(0).entryId().equals("5-0")) {
        message.replyTo().tell(StatusReply.ack());
        continue;
      }
      recorded.addAll(message.hits());
      lastOfA = message.lastPart();
      message.replyTo().tell(StatusReply.ack());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i <= 150; i++) {
      expected.add("6-0." + i);
    }
    expected.add("7-0");
    assertThat(recorded).extracting(PendingHit::entryId).isEqualTo(expected);
    assertThat(recorded.subList(0, 150)).extracting(h -> h.hit().dims().page())
        .isEqualTo(hits.stream().map(h -> h.url().substring("https://a.example".length())).toList());
    assertThat(recorded.get(150).hit()).isNull();
    assertThat(recorded.get(150).ledger()).isEqualTo(skipped.counts());
    done.expectNext(Done.getInstance());
    assertThat(acknowledged).containsExactly(List.of("5-0", "6-0", "7-0"));
  }

  @Test
  void aRefusedPartFailsTheStreamAndNothingIsAcknowledged() {
    done.request(1);
    batches.sendNext(new PartitionReader.Batch(3, List.of(entry("1-0", hit("a.example", "https://a.example/"))), null));
    entities.receiveMessage().replyTo().tell(StatusReply.error("journal unavailable"));
    assertThat(done.expectError()).hasMessageContaining("journal unavailable");
    assertThat(acknowledged).isEmpty();
  }

  private static Site site(String id) {
    return new Site(id, List.of(id), ZoneId.of("Europe/Berlin"), "ingest", "report", Instant.EPOCH);
  }

  private static QueuedHit hit(String siteId, String url) {
    return new QueuedHit("hit-" + url.hashCode(), siteId, NOON, "beacon", "pageview", url, null, 1280, null, null, null,
        "00000000000000aa", null, UA, "DE", null, null);
  }

  private static StreamEntry entry(String id, QueuedHit hit) {
    return new StreamEntry(id, QueuedHitCodec.encode(hit));
  }
}
