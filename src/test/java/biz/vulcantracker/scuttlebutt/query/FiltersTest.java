package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filters parameter: operators, wildcards, alternatives, missing values, refusals, and the cost of hostile patterns. */
class FiltersTest {

  @ParameterizedTest(name = "{0} on {1}={2}: {3}")
  @CsvSource(delimiterString = " , ", nullValues = "null", textBlock = """
      country==DE , country , DE , true
      country==DE , country , FR , false
      country!=DE , country , FR , true
      country!=DE , country , null , true
      country==DE , country , null , false
      source==Hacker News , source , Hacker News , true
      entry_page==/blog* , entry_page , /blog/one , true
      entry_page==/blog* , entry_page , /blogs , true
      entry_page==/blog/* , entry_page , /blogs , false
      entry_page==*/pricing , entry_page , /en/pricing , true
      entry_page==/a|/b , entry_page , /b , true
      entry_page==/a|/b , entry_page , /c , false
      entry_page!=/a|/b , entry_page , /c , true
      entry_page==/a.b , entry_page , /axb , false
      utm_campaign==(x) , utm_campaign , (x) , true
      """)
  void visitFilters(String parameter, String key, String value, boolean expected) {
    Filters filters = Filters.parse(parameter);
    assertThat(filters.hitFilters()).isEmpty();
    Map<String, String> values = new HashMap<>();
    values.put(key, value);
    assertThat(filters.matchesVisit(values::get)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"page==/blog", "hostname!=a.example", "event==Signup", "event:props:plan==pro"})
  void hitKeysSelectHits(String parameter) {
    Filters filters = Filters.parse(parameter);
    assertThat(filters.visitFilters()).isEmpty();
    assertThat(filters.hitFilters()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"page==/blog;country==DE", "page==/blog;country==DE;", ";page==/blog;;country==DE"})
  void filtersAreJoinedBySemicolonsAndAllMustHold(String parameter) {
    Filters filters = Filters.parse(parameter);
    assertThat(filters.visitFilters()).hasSize(1);
    assertThat(filters.hitFilters()).hasSize(1);
    assertThat(filters.matchesVisit(key -> "DE")).isTrue();
    assertThat(filters.matchesVisit(key -> "FR")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"colour==red", "page", "==/blog", "page=/blog", "event:props:==x", "page<>/blog"})
  void malformedFiltersAreABadRequest(String parameter) {
    assertThatThrownBy(() -> Filters.parse(parameter))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("bad_filter"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void blankIsNoFilter(String parameter) {
    assertThat(Filters.parse(parameter).isEmpty()).isTrue();
    assertThat(Filters.parse(null).isEmpty()).isTrue();
  }

  /** Glob semantics against java.util.regex as the reference, on small random patterns where backtracking is harmless. */
  @Test
  void wildcardsMatchAsTheEquivalentRegexDoes() {
    Random random = new Random(18);
    for (int i = 0; i < 20_000; i++) {
      String pattern = randomText(random, "ab*|", 8);
      String value = randomText(random, "ab", 10);
      String regex = Stream.of(pattern.split("\\|", -1))
          .map(alternative -> Stream.of(alternative.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")))
          .collect(Collectors.joining("|"));
      assertThat(Filters.parse("page==" + pattern).matchesHit(key -> value))
          .as("%s on %s", pattern, value).isEqualTo(value.matches(regex));
    }
  }

  /**
   * A backslash makes the |, *, ; or backslash after it a plain character, so a clicked value
   * selects exactly itself; before any other character it stays a backslash.
   */
  @Test
  void aBackslashMakesTheNextSeparatorPlain() {
    assertThat(Filters.parse("utm_campaign==spring\\|sale").matchesVisit(key -> "spring|sale")).isTrue();
    assertThat(Filters.parse("utm_campaign==spring\\|sale").matchesVisit(key -> "spring")).isFalse();
    assertThat(Filters.parse("utm_campaign==spring|sale").matchesVisit(key -> "spring")).isTrue();
    assertThat(Filters.parse("page==/a\\*b").matchesHit(key -> "/a*b")).isTrue();
    assertThat(Filters.parse("page==/a\\*b").matchesHit(key -> "/axb")).isFalse();
    assertThat(Filters.parse("page==/a\\;b;country==DE").matchesHit(key -> key.equals("page") ? "/a;b" : "DE")).isTrue();
    assertThat(Filters.parse("page==/a\\;b;country==DE").hitFilters()).hasSize(1);
    assertThat(Filters.parse("page==C:\\\\dir").matchesHit(key -> "C:\\dir")).isTrue();
    assertThat(Filters.parse("page==/a\\b").matchesHit(key -> "/a\\b")).isTrue();
    assertThat(Filters.parse("page==*\\**").matchesHit(key -> "/x*y")).isTrue();
    assertThat(Filters.parse("page==*\\**").matchesHit(key -> "/xy")).isFalse();
  }

  /**
   * Patterns that make a backtracking matcher take exponential or quadratic time, each over a thousand
   * values of the longest kept length (2,048 characters): all of them within a second.
   */
  @Test
  void hostilePatternsAnswerWithinASecond() {
    String stars = "*".repeat(Filters.MAX_VALUE_CHARS - 1) + "x";
    String starsA = "*a".repeat(Filters.MAX_VALUE_CHARS / 2 - 1) + "*x";
    String nearMiss = "*" + "a".repeat(Filters.MAX_VALUE_CHARS - 3) + "b*";
    String alternatives = Stream.generate(() -> "*a*a*a*a*a*a*b").limit(Filters.MAX_ALTERNATIVES).collect(Collectors.joining("|"));
    String value = "a".repeat(2048);
    for (String pattern : new String[] {stars, starsA, nearMiss, alternatives}) {
      Filters filters = Filters.parse("page==" + pattern);
      Assertions.assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
        for (int i = 0; i < 1000; i++) {
          assertThat(filters.matchesHit(key -> value)).isFalse();
        }
      }, pattern.length() + " characters: " + pattern.substring(0, 20));
    }
  }

  @Test
  void patternsBeyondTheirBoundsAreABadRequest() {
    String longValue = "page==" + "a".repeat(Filters.MAX_VALUE_CHARS + 1);
    String manyAlternatives = "page==" + "a|".repeat(Filters.MAX_ALTERNATIVES) + "a";
    String manyFilters = "country==DE;".repeat(Filters.MAX_FILTERS + 1);
    String longParameter = "page==" + "x".repeat(Filters.MAX_PARAMETER_CHARS);
    for (String parameter : new String[] {longValue, manyAlternatives, manyFilters, longParameter}) {
      assertThatThrownBy(() -> Filters.parse(parameter))
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("bad_filter"));
    }
    assertThat(Filters.parse("page==" + "a".repeat(Filters.MAX_VALUE_CHARS)).hitFilters()).hasSize(1);
    assertThat(Filters.parse("country==DE;".repeat(Filters.MAX_FILTERS)).visitFilters()).hasSize(Filters.MAX_FILTERS);
  }

  private static String randomText(Random random, String alphabet, int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  @Test
  void aSavedSegmentStandsForItsFilters() {
    Map<String, String> segments = Map.of("s1", "country==DE;page==/blog*");
    assertThat(Filters.namesSegment("page==/;segment==s1")).isTrue();
    assertThat(Filters.namesSegment("page==/segment==x")).isFalse();
    assertThat(Filters.expand("segment==s1;browser==Firefox", segments::get)).isEqualTo("country==DE;page==/blog*;browser==Firefox");
    Filters expanded = Filters.parse(Filters.expand("segment==s1", segments::get));
    assertThat(expanded.visitFilters()).extracting(Filters.Filter::key).containsExactly("country");
    assertThat(expanded.hitFilters()).extracting(Filters.Filter::key).containsExactly("page");
    assertThatThrownBy(() -> Filters.expand("segment==nope", segments::get)).isInstanceOf(ApiError.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> Filters.expand("segment!=s1", segments::get)).isInstanceOf(ApiError.class);
    // A segment holds filters, and no segment.
    assertThatThrownBy(() -> new Segment("s", "Germany", "segment==s1")).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> new Segment("s", "Nothing", "")).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> new Segment("s", "Bad", "shoe==42")).isInstanceOf(ApiError.class);
  }
}
