package biz.vulcantracker.scuttlebutt.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Which week and month a digest reports, in the site's zone, around the turns of weeks, months and years. */
class DigestPeriodTest {

  @Test
  void theLastWholeWeekMondayToSundayInTheSitesZone() {
    // Monday 2026-11-30 00:30 in Kolkata is still Sunday 29th in UTC: each zone has its own last week.
    Instant instant = Instant.parse("2026-11-29T19:00:00Z");
    DigestPeriod kolkata = DigestPeriod.latest(DigestPeriod.Frequency.WEEKLY, ZoneId.of("Asia/Kolkata"), instant);
    assertThat(kolkata.period().from()).isEqualTo(LocalDate.parse("2026-11-23"));
    assertThat(kolkata.period().to()).isEqualTo(LocalDate.parse("2026-11-29"));
    assertThat(kolkata.previous().from()).isEqualTo(LocalDate.parse("2026-11-16"));
    assertThat(kolkata.previous().to()).isEqualTo(LocalDate.parse("2026-11-22"));
    assertThat(kolkata.key()).isEqualTo("week:2026-W48");
    DigestPeriod utc = DigestPeriod.latest(DigestPeriod.Frequency.WEEKLY, ZoneId.of("UTC"), instant);
    assertThat(utc.period().from()).isEqualTo(LocalDate.parse("2026-11-16"));
    assertThat(utc.key()).isEqualTo("week:2026-W47");
  }

  @Test
  void weeksAcrossTheYearTakeTheirIsoYear() {
    // Monday 2027-01-04: the week before runs 2026-12-28 to 2027-01-03, ISO week 53 of 2026.
    DigestPeriod week = DigestPeriod.latest(DigestPeriod.Frequency.WEEKLY, ZoneId.of("UTC"), Instant.parse("2027-01-04T08:00:00Z"));
    assertThat(week.period().from()).isEqualTo(LocalDate.parse("2026-12-28"));
    assertThat(week.period().to()).isEqualTo(LocalDate.parse("2027-01-03"));
    assertThat(week.key()).isEqualTo("week:2026-W53");
  }

  @Test
  void theLastWholeMonthAndTheOneBefore() {
    DigestPeriod march = DigestPeriod.latest(DigestPeriod.Frequency.MONTHLY, ZoneId.of("Europe/Berlin"), Instant.parse("2027-03-01T00:30:00Z"));
    assertThat(march.period().from()).isEqualTo(LocalDate.parse("2027-02-01"));
    assertThat(march.period().to()).isEqualTo(LocalDate.parse("2027-02-28"));
    assertThat(march.previous().from()).isEqualTo(LocalDate.parse("2027-01-01"));
    assertThat(march.previous().to()).isEqualTo(LocalDate.parse("2027-01-31"));
    assertThat(march.key()).isEqualTo("month:2027-02");
    assertThat(march.label()).isEqualTo("February 2027");
    // Still February in Los Angeles at that instant: January is its last whole month.
    assertThat(DigestPeriod.latest(DigestPeriod.Frequency.MONTHLY, ZoneId.of("America/Los_Angeles"), Instant.parse("2027-03-01T00:30:00Z"))
        .key()).isEqualTo("month:2027-01");
  }

  @Test
  void whatVisitorsSentIsEscapedInTheHtmlPart() {
    assertThat(biz.vulcantracker.scuttlebutt.mail.Html.escape("/<script>alert('x')</script>?a=1&b=\"2\""))
        .isEqualTo("/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;?a=1&amp;b=&quot;2&quot;");
  }
}
