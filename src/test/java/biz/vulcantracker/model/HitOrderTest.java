package biz.vulcantracker.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class HitOrderTest {

  @Test
  void hitsGoByTimeAndTiesByTheFirst64BitsOfTheirKeysSha256() throws Exception {
    for (String key : new String[] {"k1", "k2", "log-00ff", "0190a1b2-7c3d-7e4f-8a5b-6c7d8e9fa0b1", "zürich"}) {
      long expected = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8))).getLong();
      assertThat(HitOrder.tieKey(key)).as(key).isEqualTo(expected);
    }
    long k1 = HitOrder.tieKey("k1");
    long k2 = HitOrder.tieKey("k2");
    assertThat(k2).as("the keys' digests are ordered against their text").isLessThan(k1);
    assertThat(HitOrder.compare(1_000, k2, 1_000, k1)).isNegative();
    assertThat(HitOrder.compare(1_000, k1, 1_001, k2)).as("time first").isNegative();
    assertThat(HitOrder.compare(1_000, k1, 1_000, k1)).isZero();
  }
}
