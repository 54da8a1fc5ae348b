package biz.vulcantracker.model;

/**
 * What completes a goal (docs/api.md, "Goals"): a custom event of one name, or a pageview of a page
 * matching a pattern ({@link Glob}'s syntax). The one rule the reports and the alerts of the live
 * model both count goals by.
 */
public final class GoalMatch {

  private final String event;
  private final Glob page;

  private GoalMatch(String event, Glob page) {
    this.event = event;
    this.page = page;
  }

  /** A goal completed by custom events of this name. */
  public static GoalMatch ofEvent(String name) {
    return new GoalMatch(name, null);
  }

  /** A goal completed by pageviews of pages matching the pattern; the caller has bounded its size. */
  public static GoalMatch ofPage(String pattern) {
    return new GoalMatch(null, Glob.of(pattern));
  }

  /** The page pattern, or null for an event goal. */
  public Glob pagePattern() {
    return page;
  }

  /** Whether a custom event of this name completes the goal. */
  public boolean completedByEvent(String eventName) {
    return event != null && event.equals(eventName);
  }

  /** Whether a pageview of this page (null: none) completes the goal. */
  public boolean completedByPageview(String pagePath) {
    return page != null && pagePath != null && page.matches(pagePath);
  }
}
