package biz.vulcantracker.scuttlebutt.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filters parameter: operators, wildcards, alternatives, missing values, and refusals. */
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
}
