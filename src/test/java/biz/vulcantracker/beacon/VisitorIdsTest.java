package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VisitorIdsTest {

  private static final byte[] SALT = "salt-of-the-day-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_SALT = "salt-of-another-day-0123456789ab".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ADDRESS = {(byte) 203, 0, 113, 10};

  @Test
  void isSixteenHexDigitsAndStableForOneDay() {
    String id = VisitorIds.hash(SALT, "a.example", ADDRESS, "UA");
    assertThat(id).matches("[0-9a-f]{16}").isEqualTo(VisitorIds.hash(SALT, "a.example", ADDRESS, "UA"));
  }

  @Test
  void changesWithTheSaltTheSiteTheAddressAndTheBrowser() {
    String id = VisitorIds.hash(SALT, "a.example", ADDRESS, "UA");
    assertThat(VisitorIds.hash(OTHER_SALT, "a.example", ADDRESS, "UA")).isNotEqualTo(id);
    assertThat(VisitorIds.hash(SALT, "b.example", ADDRESS, "UA")).isNotEqualTo(id);
    assertThat(VisitorIds.hash(SALT, "a.example", new byte[] {(byte) 203, 0, 113, 11}, "UA")).isNotEqualTo(id);
    assertThat(VisitorIds.hash(SALT, "a.example", ADDRESS, "UA2")).isNotEqualTo(id);
  }

  @Test
  void keepsFieldsApartSoTheyCannotBeShiftedIntoEachOther() {
    assertThat(VisitorIds.hash(SALT, "ab", ADDRESS, "c")).isNotEqualTo(VisitorIds.hash(SALT, "a", ADDRESS, "bc"));
  }

  @Test
  void hitIdsAreVersion7AndOrderedByTime() {
    String earlier = HitIds.next(1_700_000_000_000L);
    String later = HitIds.next(1_700_000_000_001L);
    assertThat(java.util.UUID.fromString(earlier).version()).isEqualTo(7);
    assertThat(earlier).isLessThan(later);
    assertThat(HitIds.next(1_700_000_000_000L)).isNotEqualTo(earlier);
  }
}
