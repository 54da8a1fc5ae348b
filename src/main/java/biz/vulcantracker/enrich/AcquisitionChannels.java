package biz.vulcantracker.enrich;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The acquisition channel of a visit — Direct, Organic Search, Paid Search, Organic Social, Paid
 * Social, Email, Referral, AI assistants, … — from its source, UTM tags and referrer, by the rules
 * GA4's default channel grouping and Plausible's channels share (docs/api.md, "Channels"). The kind of
 * a well-known source (search, social, …) comes from enrich/source-categories.txt.
 *
 * <p>Plain string tests, no regular expressions: the tags are the sender's, up to 2 KiB each, and
 * this runs for every visit a report scans.
 *
 * <p>A pure function of what a visit's first hit stores, so it is computed when a report runs: it
 * holds for every day a site has, and a better table of sources changes history too.
 */
public final class AcquisitionChannels {

  public static final String DIRECT = "Direct";
  public static final String ORGANIC_SEARCH = "Organic Search";
  public static final String PAID_SEARCH = "Paid Search";
  public static final String ORGANIC_SOCIAL = "Organic Social";
  public static final String PAID_SOCIAL = "Paid Social";
  public static final String ORGANIC_VIDEO = "Organic Video";
  public static final String PAID_VIDEO = "Paid Video";
  public static final String ORGANIC_SHOPPING = "Organic Shopping";
  public static final String PAID_SHOPPING = "Paid Shopping";
  public static final String DISPLAY = "Display";
  public static final String PAID_OTHER = "Paid Other";
  public static final String CROSS_NETWORK = "Cross-network";
  public static final String EMAIL = "Email";
  public static final String AFFILIATES = "Affiliates";
  public static final String AUDIO = "Audio";
  public static final String SMS = "SMS";
  public static final String PUSH = "Mobile Push Notifications";
  public static final String AI_ASSISTANTS = "AI assistants";
  public static final String REFERRAL = "Referral";
  public static final String UNASSIGNED = "Unassigned";

  private static final String RESOURCE = "/enrich/source-categories.txt";
  private static final Set<String> DISPLAY_MEDIUMS = Set.of("display", "banner", "expandable", "interstitial", "cpm");
  private static final Set<String> SOCIAL_MEDIUMS = Set.of("social", "social-network", "social-media", "sm", "social network",
      "social media");
  private static final List<String> EMAIL_WORDS = List.of("email", "e-mail", "e_mail", "e mail", "newsletter");
  private static final Set<String> REFERRAL_MEDIUMS = Set.of("referral", "app", "link");

  private static final AcquisitionChannels SHARED = load();

  private final Map<String, String> categories;

  private AcquisitionChannels(Map<String, String> categories) {
    this.categories = categories;
  }

  public static AcquisitionChannels shared() {
    return SHARED;
  }

  /**
   * The channel of a visit.
   *
   * @param source the visit's source (docs/api.md's rule; "Direct / None" when it had none)
   * @param direct the source that means no source ("Direct / None")
   * @param referrer the external referrer, or null
   */
  public String of(String source, String direct, String utmSource, String utmMedium, String utmCampaign, String referrer) {
    String medium = lower(utmMedium);
    String campaign = lower(utmCampaign);
    String category = categoryOf(source);
    if (category == null) {
      category = categoryOf(utmSource);
    }
    // GA4's "paid" medium: cpc, ppc, retargeting, paid-anything, every medium with "cp" in it (cpm, cpv, …).
    boolean paid = medium.contains("cp") || medium.equals("ppc") || medium.equals("retargeting") || medium.startsWith("paid");
    if (campaign.contains("cross-network")) {
      return CROSS_NETWORK;
    }
    if ((source == null || source.equals(direct)) && medium.isEmpty() && lower(utmSource).isEmpty()) {
      return DIRECT;
    }
    if ("ai".equals(category)) {
      return AI_ASSISTANTS;
    }
    if ("shopping".equals(category) || (!paid && campaign.contains("shop"))) {
      return paid ? PAID_SHOPPING : ORGANIC_SHOPPING;
    }
    if ("search".equals(category)) {
      return paid ? PAID_SEARCH : ORGANIC_SEARCH;
    }
    if ("social".equals(category)) {
      return paid ? PAID_SOCIAL : ORGANIC_SOCIAL;
    }
    if ("video".equals(category)) {
      return paid ? PAID_VIDEO : ORGANIC_VIDEO;
    }
    if (DISPLAY_MEDIUMS.contains(medium)) {
      return DISPLAY;
    }
    if (paid) {
      return PAID_OTHER;
    }
    if (SOCIAL_MEDIUMS.contains(medium)) {
      return ORGANIC_SOCIAL;
    }
    if (medium.contains("video")) {
      return ORGANIC_VIDEO;
    }
    if ("email".equals(category) || mentionsEmail(medium) || mentionsEmail(lower(utmSource))) {
      return EMAIL;
    }
    if (medium.equals("affiliate")) {
      return AFFILIATES;
    }
    if (medium.equals("audio")) {
      return AUDIO;
    }
    if (medium.equals("sms") || lower(utmSource).equals("sms")) {
      return SMS;
    }
    if (medium.endsWith("push") || medium.contains("mobile") || medium.contains("notification")) {
      return PUSH;
    }
    if (REFERRAL_MEDIUMS.contains(medium) || referrer != null) {
      return REFERRAL;
    }
    return UNASSIGNED;
  }

  private static boolean mentionsEmail(String value) {
    return EMAIL_WORDS.stream().anyMatch(value::contains);
  }

  private String categoryOf(String name) {
    return name == null ? null : categories.get(name.toLowerCase(Locale.ROOT));
  }

  private static String lower(String value) {
    return value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
  }

  private static AcquisitionChannels load() {
    Map<String, String> categories = new HashMap<>();
    for (String line : ResourceLines.read(RESOURCE)) {
      int colon = line.indexOf(':');
      String category = line.substring(0, colon).strip();
      for (String name : line.substring(colon + 1).split(",")) {
        categories.putIfAbsent(name.strip().toLowerCase(Locale.ROOT), category);
      }
    }
    return new AcquisitionChannels(Map.copyOf(categories));
  }
}
