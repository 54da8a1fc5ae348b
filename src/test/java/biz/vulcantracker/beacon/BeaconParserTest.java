package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.ApiError;
import biz.vulcantracker.VulcanConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BeaconParserTest {

  private final BeaconParser parser = new BeaconParser(BeaconSettings.create(VulcanConfig.load()));

  @Test
  void readsEveryFieldOfAQuery() {
    BeaconRequest hit = parser.fromQuery(Map.of(
        "s", "shop.example", "u", "https://Shop.Example/p?x=1#top", "n", "Signup", "r", "https://news.example/",
        "w", "1280", "p", "{\"plan\":\"pro\",\"seats\":3,\"trial\":true}", "e", "1500", "i", "evt-1"));
    assertThat(hit).isEqualTo(new BeaconRequest("shop.example", "https://Shop.Example/p?x=1#top", "shop.example",
        "Signup", "https://news.example/", 1280, Map.of("plan", "pro", "seats", "3", "trial", "true"), 1500L, "evt-1"));
  }

  @Test
  void defaultsToAPageviewWithNoOptionalFields() {
    BeaconRequest hit = parser.fromQuery(Map.of("s", "a.example", "u", "http://a.example/"));
    assertThat(hit).isEqualTo(new BeaconRequest("a.example", "http://a.example/", "a.example", "pageview", null, null, null, null, null));
  }

  @Test
  void readsABodyObjectAndAnArray() {
    assertThat(parser.fromBody("{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"w\":390}"))
        .extracting(BeaconRequest::screenWidth).containsExactly(390);
    List<BeaconRequest> hits = parser.fromBody("[{\"s\":\"a.example\",\"u\":\"https://a.example/1\"},{\"s\":\"a.example\",\"u\":\"https://a.example/2\",\"n\":\"engagement\",\"e\":900}]");
    assertThat(hits).extracting(BeaconRequest::url).containsExactly("https://a.example/1", "https://a.example/2");
    assertThat(hits.get(1).engagementMs()).isEqualTo(900L);
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("no s", "{\"u\":\"https://a.example/\"}", "missing_field"),
        Arguments.of("blank s", "{\"s\":\" \",\"u\":\"https://a.example/\"}", "missing_field"),
        Arguments.of("s a number", "{\"s\":5,\"u\":\"https://a.example/\"}", "bad_field"),
        Arguments.of("no u", "{\"s\":\"a.example\"}", "missing_field"),
        Arguments.of("mailto URL", "{\"s\":\"a.example\",\"u\":\"mailto:x@a.example\"}", "bad_url"),
        Arguments.of("URL without host", "{\"s\":\"a.example\",\"u\":\"https:///path\"}", "bad_url"),
        Arguments.of("unparsable URL", "{\"s\":\"a.example\",\"u\":\"https://a.example/ spaced\"}", "bad_url"),
        Arguments.of("negative width", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"w\":-1}", "bad_screen_width"),
        Arguments.of("fractional width", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"w\":1.5}", "bad_screen_width"),
        Arguments.of("negative engagement", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"e\":-5}", "bad_engagement"),
        Arguments.of("props an array", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"p\":[1]}", "bad_props"),
        Arguments.of("prop value null", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"p\":{\"a\":null}}", "bad_props"),
        Arguments.of("prop value over 256", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"p\":{\"a\":\"" + "v".repeat(257) + "\"}}", "bad_props"),
        Arguments.of("referrer a number", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"r\":1}", "bad_referrer"),
        Arguments.of("client id over 128", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"i\":\"" + "i".repeat(129) + "\"}", "bad_event_id"),
        Arguments.of("a string body", "\"hello\"", "bad_json"),
        Arguments.of("an empty array", "[]", "empty_batch"),
        Arguments.of("an array of strings", "[\"a\"]", "bad_json"),
        Arguments.of("truncated JSON", "{\"s\":\"a.example\",", "bad_json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectsWithAReason(String name, String body, String error) {
    assertThatThrownBy(() -> parser.fromBody(body))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.code()).isEqualTo(error);
          assertThat(e.status().intValue()).isEqualTo(400);
        });
  }

  @Test
  void acceptsThirtyPropsButNotThirtyOne() {
    assertThat(parser.fromBody(withProps(30)).get(0).props()).hasSize(30);
    assertThatThrownBy(() -> parser.fromBody(withProps(31)))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("too_many_props"));
  }

  private static String withProps(int count) {
    StringBuilder props = new StringBuilder();
    for (int i = 0; i < count; i++) {
      props.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"p\":{" + props + "}}";
  }
}
