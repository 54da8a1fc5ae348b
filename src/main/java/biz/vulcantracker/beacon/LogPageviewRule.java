package biz.vulcantracker.beacon;

import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.logformat.LogLine;
import java.util.Locale;
import java.util.Set;

/**
 * docs/api.md's rule for which access-log lines are pageviews, checked in its order: status (200–299 or
 * 304), method (GET), static asset (by extension), bot (by the same User-Agent classifier katric
 * uses for beacons; no User-Agent is a bot). A 404 of a page is no pageview but a {@code 404} event
 * ({@link #isNotFound}).
 */
final class LogPageviewRule {

  /** Why a parsed line is not a pageview, in the order of the checks; also the answer's keys. */
  enum Skip {
    STATUS, METHOD, STATIC, BOT;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final Set<String> STATIC_EXTENSIONS = Set.of(
      "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "woff", "woff2",
      "ttf", "otf", "eot", "mp4", "webm", "mp3", "pdf", "zip", "gz", "txt", "xml", "json");

  private final UserAgentClassifier agents;

  LogPageviewRule(UserAgentClassifier agents) {
    this.agents = agents;
  }

  /** Null for a pageview, else the first check it fails. */
  Skip skipOf(LogLine line) {
    int status = line.status();
    if (!(status >= 200 && status <= 299) && status != 304) {
      return Skip.STATUS;
    }
    if (!"GET".equals(line.method())) {
      return Skip.METHOD;
    }
    if (isStatic(line.target())) {
      return Skip.STATIC;
    }
    if (line.userAgent() == null || agents.classify(line.userAgent()).bot()) {
      return Skip.BOT;
    }
    return null;
  }

  /**
   * Whether a line that failed {@link #skipOf} for its status alone is a page not found: a 404 of a
   * GET for a page (not a static asset) by a browser. Such a line is counted as a {@code 404} event,
   * never as a pageview.
   */
  boolean isNotFound(LogLine line) {
    return line.status() == 404 && "GET".equals(line.method()) && !isStatic(line.target())
        && line.userAgent() != null && !agents.classify(line.userAgent()).bot();
  }

  static boolean isStatic(String target) {
    int end = target.length();
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    int slash = target.lastIndexOf('/', end - 1);
    int dot = target.lastIndexOf('.', end - 1);
    if (dot <= slash || dot == end - 1) {
      return false;
    }
    return STATIC_EXTENSIONS.contains(target.substring(dot + 1, end).toLowerCase(Locale.ROOT));
  }
}
