package biz.vulcantracker.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A filter value of docs/api.md: alternatives separated by {@code |}, each a literal with {@code *}
 * matching any run of characters; a backslash makes the {@code |}, {@code *}, {@code ;} or
 * backslash after it a plain character (as Plausible's {@code \|}), so any value can be matched
 * exactly. Matched in time linear in the value and the pattern, whatever either holds.
 *
 * <p>Hand-written rather than compiled to {@code java.util.regex}: there {@code ****…x} backtracks
 * exponentially, and a report key is meant to be shared. A linear-time regex library (RE2/J) would be
 * safe but does far more than a glob needs, per scanned hit: for a pattern of literals and stars the
 * greedy rule is exact (the first part is a prefix, the last a suffix, each part between them is
 * taken at its leftmost place after the one before; a later place never lets more parts fit), and
 * each part is searched with Knuth–Morris–Pratt, so no character of the value is read twice.
 */
public final class Glob {

  private final List<Alternative> alternatives;

  private Glob(List<Alternative> alternatives) {
    this.alternatives = alternatives;
  }

  /** The value as a glob; the caller has bounded its length and number of alternatives. */
  public static Glob of(String value) {
    return new Glob(split(value, '|').stream().map(Alternative::new).toList());
  }

  public static int alternativesOf(String value) {
    return split(value, '|').size();
  }

  /** The characters a backslash makes plain. */
  private static final String ESCAPED = "\\|*;";

  /** The text cut at each {@code separator} no backslash makes plain; the pieces keep their backslashes. */
  public static List<String> split(String text, char separator) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && ESCAPED.indexOf(text.charAt(i + 1)) >= 0) {
        i++;
      } else if (c == separator) {
        pieces.add(text.substring(start, i));
        start = i + 1;
      }
    }
    pieces.add(text.substring(start));
    return pieces;
  }

  /** The text with each backslash that makes a character plain taken out. */
  public static String unescape(String text) {
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder plain = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && ESCAPED.indexOf(text.charAt(i + 1)) >= 0) {
        c = text.charAt(++i);
      }
      plain.append(c);
    }
    return plain.toString();
  }

  public boolean matches(String value) {
    for (Alternative alternative : alternatives) {
      if (alternative.matches(value)) {
        return true;
      }
    }
    return false;
  }

  /** One alternative: its literal parts between stars. */
  private static final class Alternative {
    private final String literal; // the whole text when it has no star, else null
    private final String prefix;
    private final String suffix;
    private final Part[] middle;

    Alternative(String text) {
      String[] parts = split(text, '*').stream().map(Glob::unescape).toArray(String[]::new);
      if (parts.length == 1) {
        literal = parts[0];
        prefix = suffix = "";
        middle = new Part[0];
      } else {
        literal = null;
        prefix = parts[0];
        suffix = parts[parts.length - 1];
        middle = Arrays.stream(parts, 1, parts.length - 1).filter(p -> !p.isEmpty()).map(Part::new).toArray(Part[]::new);
      }
    }

    boolean matches(String value) {
      if (literal != null) {
        return literal.equals(value);
      }
      int end = value.length() - suffix.length();
      if (end < prefix.length() || !value.startsWith(prefix) || !value.endsWith(suffix)) {
        return false;
      }
      int at = prefix.length();
      for (Part part : middle) {
        at = part.endOfFirstIn(value, at, end);
        if (at < 0) {
          return false;
        }
      }
      return true;
    }
  }

  /** A literal part between two stars with its Knuth–Morris–Pratt failure table. */
  private static final class Part {
    private final String text;
    private final int[] fallback;

    Part(String text) {
      this.text = text;
      this.fallback = new int[text.length()];
      for (int i = 1, k = 0; i < text.length(); i++) {
        while (k > 0 && text.charAt(i) != text.charAt(k)) {
          k = fallback[k - 1];
        }
        if (text.charAt(i) == text.charAt(k)) {
          k++;
        }
        fallback[i] = k;
      }
    }

    /** Where the first occurrence within value[from, to) ends, or -1. */
    int endOfFirstIn(String value, int from, int to) {
      for (int i = from, k = 0; i < to; i++) {
        while (k > 0 && value.charAt(i) != text.charAt(k)) {
          k = fallback[k - 1];
        }
        if (value.charAt(i) == text.charAt(k)) {
          k++;
          if (k == text.length()) {
            return i + 1;
          }
        }
      }
      return -1;
    }
  }
}
