package biz.vulcantracker.katric;

/**
 * What the reports can break a hit down by (API.md's properties), derived in katric from the raw
 * hit and the site. Null means the hit has no value for that property.
 */
public record Dimensions(
    String page,
    String hostname,
    String source,
    String referrer,
    String utmSource,
    String utmMedium,
    String utmCampaign,
    String country,
    String region,
    String city,
    String browser,
    String browserVersion,
    String os,
    String device,
    String screen,
    String channel,
    boolean bot) {

  /** The source of a visit that came with no (external) referrer and no campaign tag. */
  public static final String DIRECT = "Direct / None";
}
