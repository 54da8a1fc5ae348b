package biz.vulcantracker.model;

/**
 * The event names the pipeline gives a meaning to; any other name is a custom event
 * ({@code plausible.trackEvent}-style goals and conversions).
 */
public final class EventNames {

  public static final String PAGEVIEW = "pageview";
  /** Time on a page, sent by the script when the page is hidden; neither a pageview nor an event. */
  public static final String ENGAGEMENT = "engagement";
  /**
   * A page not found: a custom event (as in Plausible), sent by the script ({@code data-404}) or made of
   * an access log's 404 line, with the page's path as its property {@value #NOT_FOUND_PATH}.
   */
  public static final String NOT_FOUND = "404";
  public static final String NOT_FOUND_PATH = "path";

  private EventNames() {}

  public static boolean isPageview(String eventName) {
    return PAGEVIEW.equals(eventName);
  }

  public static boolean isCustom(String eventName) {
    return !PAGEVIEW.equals(eventName) && !ENGAGEMENT.equals(eventName);
  }
}
