package biz.vulcantracker.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EntryIdTest {

  private static final int SHOP_PARTITION = 11;

  @ParameterizedTest(name = "{0} vs {1} → {2}")
  @CsvSource({
      "1-0, 1-0, 0",
      "1-0, 1-1, -1",
      "9-0, 10-0, -1",        // numeric, not lexical
      "10-2, 10-10, -1",
      "1795801249075-0, 1795801249074-99, 1",
      "7-3.0, 7-3.1, -1",      // the items of one entry, in their order
      "7-3.9, 7-3.10, -1",
      "7-3, 7-3.0, -1",        // an entry's own id before its items
      "7-2, 7-3.0, -1",        // the entries before it before its items
      "7-3.2000, 7-4, -1",     // and its items before the entries after it
      "8-0, 7-3.5, 1"})
  void ordersLikeRedis(String a, String b, int sign) {
    assertThat(Integer.signum(EntryId.compare(a, b))).isEqualTo(sign);
    assertThat(Integer.signum(EntryId.compare(b, a))).isEqualTo(-sign);
  }

  @Test
  void anItemsIdNamesItsEntryAndIndex() {
    assertThat(EntryId.item("1795801249075-4", 17)).isEqualTo("1795801249075-4.17");
    assertThat(EntryId.isAfter(EntryId.item("5-0", 3), "5-0.2")).isTrue();
    assertThat(EntryId.isAfter(EntryId.item("5-0", 2), "5-0.2")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"-0", "5-", "5", "a-1", "5-1.", "5-1.x"})
  void refusesWhatIsNoId(String id) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EntryId.compare(id, id)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void everythingIsAfterNoWatermark() {
    assertThat(EntryId.isAfter("0-1", null)).isTrue();
    assertThat(EntryId.isAfter("5-0", "5-0")).isFalse();
    assertThat(EntryId.isAfter("5-1", "5-0")).isTrue();
  }

  @Test
  void partitionsBySiteWithCrc32() {
    QueueSettings settings = QueueSettings.create(ConfigFactory.parseMap(Map.of("vulcan.stream-prefix", "v"))
        .withFallback(ConfigFactory.defaultReference()).resolve());
    // Computed outside Java: python3 -c "import zlib; print(zlib.crc32(b'demo') % 16, zlib.crc32(b'shop.example') % 16)"
    assertThat(settings.partitionOf("demo")).isEqualTo(0);
    assertThat(settings.partitionOf("shop.example")).isEqualTo(SHOP_PARTITION);
    assertThat(settings.hitStream(2)).isEqualTo("v:hits:2");
    assertThat(settings.consumerName(2)).isEqualTo("partition-2");
  }
}
