package biz.vulcantracker.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The channel rules of docs/api.md, one case each, with GA4's examples where it gives them. */
class AcquisitionChannelsTest {

  private static final String DIRECT = "Direct / None";

  @ParameterizedTest(name = "{0} / {1} / {2} / {3} / {4} → {5}")
  @CsvSource(nullValues = "-", value = {
      "Direct / None, -,          -,           -,                 -,                           Direct",
      "Google,        -,          -,           -,                 https://www.google.com/,     Organic Search",
      "google,        google,     cpc,         spring,            -,                           Paid Search",
      "Bing,          -,          ppc,         -,                 https://bing.com/,           Paid Search",
      "Facebook,      -,          -,           -,                 https://facebook.com/,       Organic Social",
      "fb,            fb,         paid_social, -,                 -,                           Paid Social",
      "Hacker News,   -,          -,           -,                 https://news.ycombinator.com/, Organic Social",
      "YouTube,       -,          -,           -,                 https://youtube.com/,        Organic Video",
      "ChatGPT,       -,          -,           -,                 https://chatgpt.com/,        AI assistants",
      "perplexity,    perplexity, -,           -,                 -,                           AI assistants",
      "newsletter,    newsletter, email,       -,                 -,                           Email",
      "Gmail,         -,          -,           -,                 https://mail.google.com/,    Email",
      "partner,       partner,    affiliate,   -,                 -,                           Affiliates",
      "adnet,         adnet,      banner,      -,                 -,                           Display",
      "adnet,         adnet,      cpm,         -,                 -,                           Display",
      "adnet,         adnet,      paid,        -,                 -,                           Paid Other",
      "google,        google,     cpc,         cross-network,     -,                           Cross-network",
      "amazon,        amazon,     -,           -,                 -,                           Organic Shopping",
      "x,             x,          social,      -,                 -,                           Organic Social",
      "example.com,   -,          -,           -,                 https://example.com/a,       Referral",
      "partner,       partner,    -,           -,                 -,                           Unassigned",
      "partner,       partner,    sms,         -,                 -,                           SMS",
      "app,           app,        push,        -,                 -,                           Mobile Push Notifications",
      "podcast,       podcast,    audio,       -,                 -,                           Audio"})
  void theChannelOfAVisit(String source, String utmSource, String utmMedium, String utmCampaign, String referrer, String channel) {
    assertThat(AcquisitionChannels.shared().of(source, DIRECT, utmSource, utmMedium, utmCampaign, referrer)).isEqualTo(channel);
  }
}
