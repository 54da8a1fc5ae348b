package biz.vulcantracker.katric;

import biz.vulcantracker.model.Property;

/**
 * What the reports can break a hit down by ({@link Property}), derived in katric from the raw
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
    String utmTerm,
    String utmContent,
    String country,
    String region,
    String city,
    String browser,
    String browserVersion,
    String os,
    String osVersion,
    String device,
    String screen,
    String channel,
    boolean bot) {

  /** The source of a visit that came with no (external) referrer and no campaign tag. */
  public static final String DIRECT = "Direct / None";

  /** "Chrome 131": a name and its major version, or null when either is unknown. */
  private static String withVersion(String name, String version) {
    if (name == null || version == null || version.isEmpty() || name.equals("Unknown") || version.equals("Unknown")) {
      return null;
    }
    return name + " " + version;
  }

  /** The value of one of {@link Property#HIT_COLUMNS}, or null. */
  public String valueOf(String property) {
    return switch (property) {
      case "page" -> page;
      case "hostname" -> hostname;
      case "source" -> source;
      case "referrer" -> referrer;
      case "utm_source" -> utmSource;
      case "utm_medium" -> utmMedium;
      case "utm_campaign" -> utmCampaign;
      case "utm_term" -> utmTerm;
      case "utm_content" -> utmContent;
      case "country" -> country;
      case "region" -> region;
      case "city" -> city;
      case "browser" -> browser;
      case "browser_version" -> withVersion(browser, browserVersion);
      case "os" -> os;
      case "os_version" -> withVersion(os, osVersion);
      case "device" -> device;
      case "screen" -> screen;
      case "channel" -> channel;
      default -> throw new IllegalArgumentException("not a property every hit carries: " + property);
    };
  }
}
