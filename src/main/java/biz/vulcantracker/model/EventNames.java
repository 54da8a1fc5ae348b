package biz.vulcantracker.model;

/**
 * The event names the pipeline gives a meaning to; any other name is a custom event
 * ({@code plausible.trackEvent}-style goals and conversions).
 */
public final class EventNames {

  public static final String PAGEVIEW = "pageview";
  /** Time on a page, sent by the script when the page is hidden; neither a pageview nor an event. */
  public static final String ENGAGEMENT = "engagement";

  private EventNames() {}

  public static boolean isPageview(String eventName) {
    return PAGEVIEW.equals(eventName);
  }

  public static boolean isCustom(String eventName) {
    return !PAGEVIEW.equals(eventName) && !ENGAGEMENT.equals(eventName);
  }
}
