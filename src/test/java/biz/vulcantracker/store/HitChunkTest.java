package biz.vulcantracker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HitChunkTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);

  @Test
  void aWriteIsAtMostOneRowPerBucketAndDay() {
    List<HitRow> rows = hits(new Random(1), 1_000, 400, DAY);
    rows.addAll(hits(new Random(2), 10, 5, DAY.plusDays(1)));
    List<HitChunk> chunks = HitChunk.split(rows);
    assertThat(chunks).hasSizeLessThanOrEqualTo(2 * HitChunk.BUCKETS);
    assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.hits())
        .allSatisfy(hit -> {
          assertThat(hit.day()).isEqualTo(chunk.day());
          assertThat(HitChunk.bucketOf(hit.visitorId())).isEqualTo(chunk.bucket());
        }));
    assertThat(chunks.stream().mapToInt(chunk -> chunk.hits().size()).sum()).isEqualTo(rows.size());
  }

  @Test
  void aChunkReadsBackAsWritten() {
    HitRow custom = new HitRow(DAY, -42L, "i:evt-1", 1_000L, 7L, "Signup", Map.of("page", "/a", "country", "DE"),
        Map.of("plan", "pro"), false);
    HitRow plain = new HitRow(DAY, -42L, "h2", 2_000L, null, "pageview", Map.of(), Map.of(), false);
    HitRow bot = new HitRow(DAY, -42L, "h3", 3_000L, null, "pageview", Map.of(), Map.of(), true);
    HitChunk chunk = HitChunk.split(List.of(custom, plain, bot)).get(0);
    HitChunk read = HitChunk.of(chunk.day(), chunk.bucket(), chunk.key(), chunk.packed());
    assertThat(read).isEqualTo(chunk);
    assertThat(read.hits()).containsExactly(custom, plain, bot);
    assertThat(read.hits().get(2).isPageview()).isFalse();
  }

  /** Rows written in the first format (keys in the dictionary, visitor ids as varints) read as they were written. */
  @Test
  void aChunkOfTheFirstFormatReadsBack() {
    String written = "021a0e693a6576742d310c5369676e75700e636f756e7472790444450870616765042f6108706c616e0670726f0468321070616765"
        + "766965770468330e62726f7773657212476f6f676c65626f740602530ed00f02040406080a0c020e100053d00f121400000453d00f161402181a00";
    HitChunk read = HitChunk.of(DAY, 22, "cbad70da02972ca64f2f9c5e4ad11298", ByteBuffer.wrap(HexFormat.of().parseHex(written)));
    assertThat(read.hits()).containsExactly(
        new HitRow(DAY, -42L, "i:evt-1", 1_000L, 7L, "Signup", Map.of("page", "/a", "country", "DE"), Map.of("plan", "pro"), false),
        new HitRow(DAY, -42L, "h2", 2_000L, null, "pageview", Map.of(), Map.of(), false),
        new HitRow(DAY, -42L, "h3", 3_000L, null, "pageview", Map.of("browser", "Googlebot"), Map.of(), true));
  }

  @Test
  void everyChunkOfABatchReadsBackAsWrittenWithItsRepeatedStringsOnce() {
    Random random = new Random(4);
    List<HitRow> rows = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      long visitor = random.nextLong();
      rows.add(new HitRow(DAY, visitor, "k" + i + "\u00e9\ud83d\ude00", random.nextLong(), random.nextBoolean() ? random.nextLong() : null,
          random.nextInt(5) == 0 ? "Sign up" : "pageview", Map.of("page", "/p" + random.nextInt(200), "browser", "Firefox",
              "country", "DE"), random.nextInt(9) == 0 ? Map.of("plan", "pro " + random.nextInt(3)) : Map.of(), random.nextInt(20) == 0));
    }
    for (HitChunk chunk : HitChunk.split(rows)) {
      ByteBuffer packed = chunk.packed();
      assertThat(HitChunk.of(chunk.day(), chunk.bucket(), chunk.key(), packed)).isEqualTo(chunk);
      // "/p" pages, "Firefox" and "DE" once per chunk, not once per hit: about 30 bytes a hit besides its key.
      assertThat(packed.remaining()).isLessThan(chunk.hits().size() * 60 + 200 * 8);
    }
  }

  /** Properties of any names, in any order, with names equal but not the same strings: each hit reads back with its own. */
  @Test
  void hitsOfManyShapesReadBackWithTheirOwnProperties() {
    Random random = new Random(5);
    String[] names = {"page", "browser", "country", "utm_source", "city", "os"};
    List<HitRow> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      Map<String, String> properties = new java.util.LinkedHashMap<>();
      for (int n = 0; n < names.length; n++) {
        String name = names[random.nextInt(names.length)];
        properties.put(random.nextBoolean() ? name : new String(name), name + random.nextInt(4));
      }
      rows.add(new HitRow(DAY, random.nextInt(64), "k" + i, i, null, "pageview", properties, Map.of(), false));
    }
    for (HitChunk chunk : HitChunk.split(rows)) {
      assertThat(HitChunk.of(chunk.day(), chunk.bucket(), chunk.key(), chunk.packed())).isEqualTo(chunk);
    }
  }

  /**
   * Hits whose properties are by column (as katric makes them) beside hits with a map, consecutive
   * hits with the very same value instances, equal copies and other values in each place: each
   * reads back with its own, into properties by column.
   */
  @Test
  void hitsWithPropertiesByColumnReadBackWithTheirOwnAndByColumn() {
    Random random = new Random(6);
    List<String> columns = HitProperties.COLUMNS;
    String[] pool = {"a", "b", "c"};
    List<HitRow> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      String[] values = new String[columns.size()];
      for (int place = 0; place < values.length; place++) {
        int pick = random.nextInt(5);
        // the pool's instance (the same as the last hit's, often), an equal copy, another value, or none
        values[place] = pick < 2 ? pool[random.nextInt(pool.length)] : pick == 2 ? new String(pool[0])
            : pick == 3 ? "v" + random.nextInt(50) : null;
      }
      Map<String, String> properties = random.nextInt(10) == 0 ? new HashMap<>(HitProperties.of(values)) : HitProperties.of(values);
      rows.add(new HitRow(DAY, random.nextInt(8), "k" + i, i, null, "pageview", properties, Map.of(), false));
    }
    for (HitChunk chunk : HitChunk.split(rows)) {
      HitChunk read = HitChunk.of(chunk.day(), chunk.bucket(), chunk.key(), chunk.packed());
      assertThat(read).isEqualTo(chunk);
      assertThat(read.hits()).allSatisfy(hit -> assertThat(hit.properties()).isInstanceOfAny(HitProperties.class, Map.of().getClass()));
    }
  }

  @Test
  void aRowOfJsonFromBeforeThePackedColumnStillReads() {
    String json = "[{\"visitor\":-42,\"key\":\"i:evt-1\",\"ts\":1000,\"event\":\"Signup\",\"previous\":7,"
        + "\"properties\":{\"page\":\"/a\"},\"props\":{\"plan\":\"pro\"}},{\"visitor\":-42,\"key\":\"h3\",\"ts\":3000,"
        + "\"event\":\"pageview\",\"bot\":true}]";
    assertThat(HitChunk.ofJson(DAY, 5, "c", json).hits()).containsExactly(
        new HitRow(DAY, -42L, "i:evt-1", 1_000L, 7L, "Signup", Map.of("page", "/a"), Map.of("plan", "pro"), false),
        new HitRow(DAY, -42L, "h3", 3_000L, null, "pageview", Map.of(), Map.of(), true));
  }

  @Test
  void aCutOrDamagedRowIsRefusedNotMisread() {
    HitChunk chunk = HitChunk.split(hits(new Random(5), 50, 10, DAY)).get(0);
    byte[] packed = new byte[chunk.packed().remaining()];
    chunk.packed().get(packed);
    for (int length = 0; length < packed.length; length++) {
      ByteBuffer cut = ByteBuffer.wrap(java.util.Arrays.copyOf(packed, length));
      assertThatThrownBy(() -> HitChunk.of(DAY, chunk.bucket(), chunk.key(), cut)).as("cut at " + length)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hit_chunks row");
    }
    byte[] longer = java.util.Arrays.copyOf(packed, packed.length + 1);
    assertThatThrownBy(() -> HitChunk.of(DAY, chunk.bucket(), chunk.key(), ByteBuffer.wrap(longer)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes after its hits");
  }

  /**
   * The same hits written by several batches, split differently (a redelivery after a failure), and
   * read back in table order: every hit exactly once, and each visitor's hits of a day together.
   */
  @Test
  void aScanGivesEachHitOnceAndAVisitorsHitsTogether() {
    Random random = new Random(3);
    List<HitRow> all = hits(random, 5_000, 700, DAY);
    all.addAll(hits(random, 500, 100, DAY.plusDays(1)));
    List<HitChunk> written = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) { // three deliveries, cut into batches at random
      for (int start = 0; start < all.size(); ) {
        int end = Math.min(all.size(), start + 1 + random.nextInt(800));
        written.addAll(HitChunk.split(all.subList(start, end)));
        start = end;
      }
    }
    // Rows with the same key are one row in the table; the table orders by (day, bucket, chunk).
    List<HitChunk> table = new ArrayList<>(written.stream()
        .collect(java.util.stream.Collectors.toMap(c -> c.day() + "/" + c.bucket() + "/" + c.key(), c -> c, (a, b) -> b))
        .values());
    table.sort(Comparator.comparing(HitChunk::day).thenComparingInt(HitChunk::bucket).thenComparing(HitChunk::key));

    HitChunkScan scan = new HitChunkScan();
    List<HitRow> read = new ArrayList<>();
    table.forEach(chunk -> read.addAll(scan.accept(chunk)));
    read.addAll(scan.finish());

    assertThat(read).containsExactlyInAnyOrderElementsOf(all);
    List<String> groups = new ArrayList<>();
    for (HitRow hit : read) {
      String group = hit.day() + "/" + hit.visitorId();
      if (groups.isEmpty() || !groups.get(groups.size() - 1).equals(group)) {
        groups.add(group);
      }
    }
    assertThat(groups).as("a visitor's hits of a day come together").doesNotHaveDuplicates();
  }

  private static List<HitRow> hits(Random random, int count, int visitors, LocalDate day) {
    List<HitRow> hits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long visitor = random.nextInt(visitors) * 0x9E3779B97F4A7C15L; // spread like hash-based ids
      hits.add(new HitRow(day, visitor, day + "-h" + i, 1_000L * i, null, i % 7 == 0 ? "Signup" : "pageview",
          Map.of("page", "/p" + random.nextInt(20)), Map.of(), false));
    }
    Collections.shuffle(hits, random);
    return hits;
  }
}
