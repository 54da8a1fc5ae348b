package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.model.Property;
import biz.vulcantracker.store.BreakdownRow;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * Custom property keys are the sender's choice: a day gives rows of their own to a bounded sample
 * of them ({@link SiteModel#MAX_PROP_KEYS}, the lowest by SHA-256), the rest count under
 * {@code event:props:(other)}, whatever the order the hits came in; and a client that floods a site
 * with distinct keys and event ids costs the entity memory as its hits do, not more.
 */
class PropKeySampleTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  private static final long MIDNIGHT = DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

  @Test
  void theKeysWithRowsAndTheOtherRowAreAFunctionOfTheDaysKeysInAnyOrder() {
    Random random = new Random(19);
    List<RecordedHit> hits = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      Map<String, String> props = new HashMap<>();
      for (int p = random.nextInt(3) + 1; p > 0; p--) {
        props.put("key" + random.nextInt(3 * SiteModel.MAX_PROP_KEYS), "v" + random.nextInt(3));
      }
      hits.add(event("e" + i, random.nextInt(300), MIDNIGHT + 3_600_000L + i * 10_000L, props, null));
    }
    Map<String, BreakdownRow> inOrder = propRows(send(hits, 100));
    List<RecordedHit> shuffled = new ArrayList<>(hits);
    Collections.shuffle(shuffled, random);
    Map<String, BreakdownRow> anyOrder = propRows(send(shuffled, 37));
    assertThat(anyOrder).isEqualTo(inOrder);

    // The reference: the lowest keys by the first 64 bits of their SHA-256 (signed), counted from the raw hits.
    List<String> keys = hits.stream().flatMap(h -> h.props().keySet().stream()).distinct()
        .sorted(Comparator.comparingLong(PropKeySampleTest::rank).thenComparing(Comparator.naturalOrder())).toList();
    assertThat(keys).hasSizeGreaterThan(2 * SiteModel.MAX_PROP_KEYS);
    Set<String> sampled = new HashSet<>(keys.subList(0, SiteModel.MAX_PROP_KEYS));
    Map<String, Long> events = new TreeMap<>();
    Map<String, Set<Long>> visitors = new TreeMap<>();
    for (RecordedHit hit : hits) {
      boolean beyond = false;
      for (Map.Entry<String, String> prop : hit.props().entrySet()) {
        if (sampled.contains(prop.getKey())) {
          String row = Property.EVENT_PROPS_PREFIX + prop.getKey() + "=" + prop.getValue();
          events.merge(row, 1L, Long::sum);
          visitors.computeIfAbsent(row, r -> new HashSet<>()).add(hit.visitorId());
        } else {
          beyond = true;
        }
      }
      if (beyond) {
        String row = SiteModel.OTHER_PROPS + "=" + SiteModel.OTHER;
        events.merge(row, 1L, Long::sum);
        visitors.computeIfAbsent(row, r -> new HashSet<>()).add(hit.visitorId());
      }
    }
    assertThat(inOrder.keySet()).isEqualTo(events.keySet());
    inOrder.forEach((row, counted) -> {
      assertThat(counted.events()).as(row).isEqualTo(events.get(row));
      assertThat(counted.visitors()).as(row).isEqualTo(visitors.get(row).size());
    });
  }

  /**
   * One client, 100,000 events in a day, each with a new property key and a new event id: the
   * entity keeps the hits (each its own), {@link SiteModel#MAX_PROP_KEYS} keys with rows and one
   * other row, and stays under {@value #BYTES_PER_EVENT} bytes per resident hit, rows included.
   */
  static final int BYTES_PER_EVENT = 300;

  @Test
  void aFloodOfKeysAndEventIdsCostsWhatItsHitsCost() {
    ModelHarness site = new ModelHarness(ZoneOffset.UTC);
    int events = 100_000;
    for (int first = 0; first < events; first += 2000) {
      List<RecordedHit> batch = new ArrayList<>();
      for (int i = first; i < first + 2000; i++) {
        batch.add(event("flood-" + i, 1, MIDNIGHT + 1000L + i * 500L, Map.of("k" + i, "x"), "event-id-" + i));
      }
      site.record(batch);
    }
    long retained = GraphLayout.parseInstance(site.model()).totalSize();
    System.out.printf("%,d events with distinct keys and ids: %,d hits resident, %,d bytes retained%n",
        events, site.model().residentHits(), retained);
    assertThat(site.model().residentHits()).isEqualTo(events);
    Map<String, BreakdownRow> rows = propRows(site);
    assertThat(rows).hasSize(SiteModel.MAX_PROP_KEYS + 1);
    assertThat(rows.get(SiteModel.OTHER_PROPS + "=" + SiteModel.OTHER).events()).isEqualTo(events - SiteModel.MAX_PROP_KEYS);
    assertThat(retained).isLessThan(site.model().residentHits() * BYTES_PER_EVENT);
  }

  private static ModelHarness send(List<RecordedHit> hits, int batchSize) {
    ModelHarness site = new ModelHarness(ZoneOffset.UTC);
    for (int i = 0; i < hits.size(); i += batchSize) {
      site.record(hits.subList(i, Math.min(hits.size(), i + batchSize)));
    }
    return site;
  }

  private static Map<String, BreakdownRow> propRows(ModelHarness site) {
    return site.breakdowns().stream().filter(row -> row.property().startsWith(Property.EVENT_PROPS_PREFIX))
        .collect(Collectors.toMap(row -> row.property() + "=" + row.value(), row -> row, (a, b) -> a, TreeMap::new));
  }

  private static RecordedHit event(String id, long visitor, long at, Map<String, String> props, String clientEventId) {
    Dimensions dims = new Dimensions("/", "shop.example", Dimensions.DIRECT, null, null, null, null, null, null, "DE", null, null,
        "Firefox", "133", "Linux", null, "desktop", "Laptop", "beacon", false);
    return new RecordedHit(id, at, DAY, visitor, null, "Signup", props, null, dims, clientEventId);
  }

  private static long rank(String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return new BigInteger(Arrays.copyOf(hash, 8)).longValue();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
