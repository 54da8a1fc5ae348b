package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.katric.SiteEntity.PendingHit;
import biz.vulcantracker.katric.SiteEntity.RecordHits;
import com.typesafe.config.ConfigFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Parts of a site's batch stay under {@code vulcan.katric.max-message-bytes} (production setting) as
 * the real serializer writes them, for ordinary hits and for the largest a hostile client can make;
 * and the serializer refuses a message over the bound.
 */
class HitPartsTest {

  private static final ActorTestKit testKit = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
  private static final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
  private static final long MAX_BYTES = SessionsTest.SETTINGS.maxMessageBytes();
  private static final LocalDate DAY = LocalDate.of(2026, 11, 27);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void theSizeBoundIsAtLeastWhatTheSerializerWrites() {
    Random random = new Random(7);
    long totalWritten = 0;
    long totalBound = 0;
    for (int i = 0; i < 2_000; i++) {
      PendingHit hit = randomHit(random, i);
      int written = serialization.serialize(hit).get().length;
      assertThat(hit.sizeBound()).as("hit %d", i).isGreaterThanOrEqualTo(written);
      totalWritten += written;
      totalBound += hit.sizeBound();
    }
    System.out.printf("HitPartsTest: ordinary hits take %d bytes on average, bounded at %d%n", totalWritten / 2_000, totalBound / 2_000);
  }

  @Test
  void theLargestHitAClientCanMakeFitsInAPart() {
    PendingHit largest = largestHit("1700000000000-0");
    int written = serialization.serialize(largest).get().length;
    assertThat(largest.sizeBound()).isGreaterThanOrEqualTo(written);
    assertThat(largest.sizeBound()).isLessThan((int) (MAX_BYTES - HitConsumer.COMMAND_OVERHEAD_BYTES));
  }

  @Test
  void everyPartOfABacklogSerializesUnderTheBound() {
    Random random = new Random(11);
    List<PendingHit> backlog = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      backlog.add(i % 97 == 0 ? largestHit("1700000000000-" + i) : randomHit(random, i));
    }
    List<List<PendingHit>> parts = HitParts.split(backlog, MAX_BYTES - HitConsumer.COMMAND_OVERHEAD_BYTES);
    assertThat(parts).hasSizeGreaterThan(10);
    assertThat(parts.stream().flatMap(List::stream).toList()).as("every hit, in order").isEqualTo(backlog);
    TestProbe<StatusReply<org.apache.pekko.Done>> probe = testKit.createTestProbe();
    long largest = 0;
    for (List<PendingHit> part : parts) {
      RecordHits command = new RecordHits(7, "Asia/Kathmandu", part, 1, false, probe.getRef());
      largest = Math.max(largest, serialization.serialize(command).get().length);
    }
    System.out.printf("HitPartsTest: %d hits in %d parts, largest message %d bytes (bound %d)%n",
        backlog.size(), parts.size(), largest, MAX_BYTES);
    assertThat(largest).isLessThanOrEqualTo(MAX_BYTES).isGreaterThan(MAX_BYTES / 2);
  }

  @Test
  void aMessageOverTheBoundIsRefusedBySerialization() {
    List<PendingHit> tooMany = randomHits(3, 2_000);
    TestProbe<StatusReply<org.apache.pekko.Done>> probe = testKit.createTestProbe();
    assertThat(serialization.serialize(new RecordHits(0, "UTC", tooMany, 0, true, probe.getRef())).isFailure()).isTrue();
    assertThatThrownBy(() -> serialization.serialize(new RecordHits(0, "UTC", tooMany, 0, true, probe.getRef())).get())
        .hasMessageContaining("over the bound");
  }

  /**
   * Parts split too large (as if a hit's size bound were wrong, here by a factor of four) are refused
   * by the serializer; each retry splits smaller, never sends the same message again, and the batch
   * goes through within a few attempts, every hit in order.
   */
  @Test
  void partsRefusedForTheirSizeAreRetriedSmallerUntilTheyFit() {
    List<PendingHit> backlog = randomHits(5, 3_000);
    PartSize partSize = new PartSize(4 * MAX_BYTES);
    TestProbe<StatusReply<org.apache.pekko.Done>> probe = testKit.createTestProbe();
    List<Long> tried = new ArrayList<>();
    boolean sent = false;
    while (!sent && tried.size() < 10) {
      long limit = partSize.bytes();
      tried.add(limit);
      List<List<PendingHit>> parts = HitParts.split(backlog, limit);
      sent = parts.stream().allMatch(part ->
          serialization.serialize(new RecordHits(0, "UTC", part, 0, false, probe.getRef())).isSuccess());
      if (sent) {
        partSize.succeeded(limit);
        assertThat(parts.stream().flatMap(List::stream).toList()).isEqualTo(backlog);
      } else {
        partSize.failed(limit);
      }
    }
    assertThat(sent).isTrue();
    assertThat(tried).hasSizeBetween(2, 4).isSortedAccordingTo(java.util.Comparator.reverseOrder()).doesNotHaveDuplicates();
    // A batch that went through lets the parts grow back, never past the bound.
    assertThat(partSize.bytes()).isEqualTo(Math.min(4 * MAX_BYTES, tried.get(tried.size() - 1) * 2));
    PartSize bounded = new PartSize(MAX_BYTES);
    bounded.succeeded(MAX_BYTES);
    assertThat(bounded.bytes()).isEqualTo(MAX_BYTES);
    assertThat(bounded.failed(1)).isEqualTo(1); // one hit per part at the least
  }

  private static List<PendingHit> randomHits(long seed, int count) {
    Random random = new Random(seed);
    List<PendingHit> hits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      hits.add(randomHit(random, i));
    }
    return hits;
  }

  /** An ordinary hit: ASCII and a little of everything else, a few properties now and then. */
  private static PendingHit randomHit(Random random, int i) {
    Map<String, String> props = null;
    if (random.nextInt(5) == 0) {
      props = new LinkedHashMap<>();
      for (int p = random.nextInt(4); p >= 0; p--) {
        props.put("key" + p + text(random, 8), text(random, 40));
      }
    }
    Dimensions dims = new Dimensions("/" + text(random, 60), "shop.example", random.nextBoolean() ? "Google" : Dimensions.DIRECT,
        random.nextBoolean() ? "news.example/" + text(random, 30) : null, null, null, null, null, null, "DE", "Bayern", "München",
        "Chrome", "131.0", "Windows", "10", "desktop", "Laptop", random.nextBoolean() ? "beacon" : "log", false);
    return new PendingHit("1700000000000-" + i, new RecordedHit("0193f2a0-7b4c-7d1e-9c3a-" + String.format("%012d", i),
        1_700_000_000_000L + i, DAY, random.nextLong(), random.nextBoolean() ? random.nextLong() : null,
        random.nextInt(4) == 0 ? "Signup" : "pageview", props, random.nextBoolean() ? (long) random.nextInt(100_000) : null,
        dims, random.nextInt(8) == 0 ? text(random, 20) : null));
  }

  /** The most a beacon or a log line can make a hit carry: every field at its limit, in 3-byte characters. */
  private static PendingHit largestHit(String entryId) {
    String longest = "€".repeat(HitEnricher.MAX_VALUE_LENGTH);
    Map<String, String> props = new LinkedHashMap<>();
    for (int p = 0; p < 30; p++) {
      props.put(String.format("%02d", p) + "€".repeat(62), "€".repeat(256));
    }
    Dimensions dims = new Dimensions(longest, longest, longest, longest, "€".repeat(256), "€".repeat(256), "€".repeat(256), null, null,
        "DE", "€".repeat(100), "€".repeat(100), longest, longest, longest, longest, longest, "Desktop", "beacon", false);
    return new PendingHit(entryId, new RecordedHit("0193f2a0-7b4c-7d1e-9c3a-000000000000", 1_700_000_000_000L, DAY,
        Long.MIN_VALUE, Long.MAX_VALUE, "€".repeat(64), props, Long.MAX_VALUE, dims, "€".repeat(128)));
  }

  private static String text(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      int kind = random.nextInt(20);
      text.appendCodePoint(kind == 0 ? 0x4e00 + random.nextInt(100) : kind == 1 ? 0x1f600 + random.nextInt(50) : 'a' + random.nextInt(26));
    }
    return text.toString();
  }
}
