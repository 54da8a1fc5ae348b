package biz.vulcantracker.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.VulcanConfig;
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
        Arguments.of("truncated JSON", "{\"s\":\"a.example\",", "bad_json"),
        Arguments.of("a reserved prop name", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"p\":{\"$amount\":\"5\"}}", "bad_props"),
        Arguments.of("revenue a number", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"$\":5}", "bad_revenue"),
        Arguments.of("revenue without currency", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"$\":{\"amount\":5}}", "bad_revenue"),
        Arguments.of("revenue in euros", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"$\":{\"amount\":5,\"currency\":\"euro\"}}", "bad_revenue"),
        Arguments.of("revenue of 10^13", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"$\":{\"amount\":1e13,\"currency\":\"EUR\"}}", "bad_revenue"),
        Arguments.of("scroll depth over 100", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"n\":\"engagement\",\"sd\":101}", "bad_scroll_depth"),
        Arguments.of("revenue with 5 decimals", "{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"$\":{\"amount\":\"0.00001\",\"currency\":\"EUR\"}}", "bad_revenue"));
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
  void anEventsRevenueIsKeptAmongItsPropertiesUnderReservedNames() {
    assertThat(parser.fromBody("{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"n\":\"Purchase\",\"p\":{\"plan\":\"pro\"},"
        + "\"$\":{\"amount\":19.99,\"currency\":\"EUR\"}}").get(0).props())
        .containsExactly(Map.entry("plan", "pro"), Map.entry("$amount", "19.99"), Map.entry("$currency", "EUR"));
    assertThat(parser.fromQuery(Map.of("s", "a.example", "u", "https://a.example/", "n", "Purchase",
        "$", "{\"amount\":\"1200\",\"currency\":\"USD\"}")).props())
        .containsExactly(Map.entry("$amount", "1200"), Map.entry("$currency", "USD"));
  }

  @Test
  void anEngagementHitsScrollDepthIsKeptUnderAReservedName() {
    assertThat(parser.fromBody("{\"s\":\"a.example\",\"u\":\"https://a.example/\",\"n\":\"engagement\",\"e\":1200,\"sd\":73}")
        .get(0).props()).containsExactly(Map.entry("$scroll_depth", "73"));
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

  @Test
  void readsTheHostOfEveryUrlAsJavaNetUriDoes() {
    java.util.Random random = new java.util.Random(11);
    String[] schemes = {"http://", "https://", "HTTPS://", "Http://", "ftp://", "http:/", "https:", ""};
    String labelAlphabet = "ab9Z-";
    String hostNoise = ":@[]_.%";
    String validRest = "/a?#%2F=&+;:@$,'()*!~_.-";
    String anyRest = validRest + "%zg[] \u00e9\"<>^`{|}";
    int plain = 0;
    for (int n = 0; n < 50_000; n++) {
      StringBuilder url = new StringBuilder(schemes[random.nextInt(schemes.length)]);
      for (int label = random.nextInt(4); label >= 0; label--) {
        int length = random.nextInt(5);
        for (int i = 0; i < length; i++) {
          boolean edge = i == 0 || i == length - 1;
          String alphabet = edge && random.nextInt(4) > 0 ? "abZ" : labelAlphabet; // mostly valid labels
          url.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        url.append(label > 0 ? "." : "");
      }
      if (random.nextInt(5) == 0) {
        url.insert(random.nextInt(url.length() + 1), hostNoise.charAt(random.nextInt(hostNoise.length())));
      }
      String restAlphabet = random.nextBoolean() ? validRest : anyRest;
      for (int i = random.nextInt(12); i > 0; i--) {
        url.append(restAlphabet.charAt(random.nextInt(restAlphabet.length())));
      }
      String host = BeaconParser.plainHttpHost(url.toString());
      if (host != null) {
        plain++;
        assertThat(BeaconParser.uriHttpHost(url.toString())).as(url.toString()).contains(host);
      }
    }
    assertThat(plain).as("URLs the fast path read").isGreaterThan(1_000);
    assertThat(BeaconParser.plainHttpHost("https://Shop.Example/p/a-b_c?x=1&y=%C3%A9#top")).isEqualTo("shop.example");
    assertThat(BeaconParser.plainHttpHost("http://a.example")).isEqualTo("a.example");
    assertThat(BeaconParser.plainHttpHost("https://a.example:8443/")).as("left to URI").isNull();
    assertThat(BeaconParser.httpHost("https://a.example:8443/")).contains("a.example");
    assertThat(BeaconParser.httpHost("https://[::1]/")).contains("[::1]");
  }
}
