package biz.vulcantracker.enrich;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The well-known names of referrer hosts (enrich/referrers.txt): "Google" for www.google.co.uk,
 * "Hacker News" for news.ycombinator.com. Exact patterns match a host and its subdomains, the longest
 * first; {@code name.*} patterns match that name under a short public suffix.
 */
public final class ReferrerSources {

  private static final String RESOURCE = "/enrich/referrers.txt";

  private final Map<String, String> exact;
  private final Map<String, String> anySuffix;

  private ReferrerSources(Map<String, String> exact, Map<String, String> anySuffix) {
    this.exact = exact;
    this.anySuffix = anySuffix;
  }

  public static ReferrerSources load() {
    Map<String, String> exact = new HashMap<>();
    Map<String, String> anySuffix = new LinkedHashMap<>();
    for (String line : ResourceLines.read(RESOURCE)) {
      String[] parts = line.split("\\s+", 2);
      String pattern = parts[0].toLowerCase(Locale.ROOT);
      if (pattern.endsWith(".*")) {
        anySuffix.putIfAbsent(pattern.substring(0, pattern.length() - 2), parts[1]);
      } else {
        exact.putIfAbsent(pattern, parts[1]);
      }
    }
    return new ReferrerSources(Map.copyOf(exact), anySuffix);
  }

  /** The well-known name of a referrer host, if it has one. */
  public Optional<String> nameOf(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String suffix = h; suffix != null; suffix = parent(suffix)) {
      String name = exact.get(suffix);
      if (name != null) {
        return Optional.of(name);
      }
    }
    String[] labels = h.split("\\.");
    for (int i = 0; i < labels.length - 1; i++) {
      String name = anySuffix.get(labels[i]);
      int tail = labels.length - 1 - i;
      if (name != null && tail <= 2 && isShortSuffix(labels, i + 1)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  private static boolean isShortSuffix(String[] labels, int from) {
    for (int i = from; i < labels.length; i++) {
      if (labels[i].length() > 3 || labels[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static String parent(String host) {
    int dot = host.indexOf('.');
    return dot < 0 ? null : host.substring(dot + 1);
  }
}
