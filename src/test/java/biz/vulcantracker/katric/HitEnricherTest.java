package biz.vulcantracker.katric;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.store.Site;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HitEnricherTest {

  private static final Site SITE = new Site("shop.example", List.of("shop.example", "www.shop.example", "blog.shop.example"),
      ZoneOffset.UTC, "t", "k", Instant.EPOCH);
  private static final String FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final HitEnricher ENRICHER = new HitEnricher(UserAgentClassifier.shared(), ReferrerSources.load());

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "no referrer                | https://shop.example/           | -                                         | Direct / None | -",
      "utm_source wins            | https://shop.example/?utm_source=newsletter&ref=x | https://www.google.com/ | newsletter | google.com",
      "ref parameter              | https://shop.example/?ref=producthunt | -                                   | producthunt   | -",
      "source parameter           | https://shop.example/?source=podcast | -                                    | podcast       | -",
      "Google by country domain   | https://shop.example/           | https://www.google.co.uk/                 | Google        | google.co.uk",
      "Google News before Google  | https://shop.example/           | https://news.google.com/articles/x        | Google News   | news.google.com/articles/x",
      "Gmail before Google        | https://shop.example/           | https://mail.google.com/mail/u/0/         | Gmail         | mail.google.com/mail/u/0/",
      "Hacker News                | https://shop.example/           | https://news.ycombinator.com/item?id=1    | Hacker News   | news.ycombinator.com/item",
      "Twitter short links        | https://shop.example/           | https://t.co/abc                          | Twitter       | t.co/abc",
      "an unknown host            | https://shop.example/           | https://www.someblog.example/post/1?x=1   | someblog.example | someblog.example/post/1",
      "internal: same domain      | https://shop.example/cart       | https://shop.example/products             | Direct / None | -",
      "internal: another domain of the site | https://shop.example/ | https://blog.shop.example/hello           | Direct / None | -",
      "a google.* lookalike is not Google | https://shop.example/ | https://google.notreally.example/         | google.notreally.example | google.notreally.example"})
  void findsTheSource(String name, String url, String referrer, String source, String referrerDimension) {
    Dimensions d = ENRICHER.enrich(SITE, "beacon", url, referrer, null, FIREFOX, null, null, null);
    assertThat(d.source()).isEqualTo(source);
    assertThat(d.referrer()).isEqualTo(referrerDimension);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "https://shop.example                     | /",
      "https://shop.example/                    | /",
      "https://shop.example/blog/               | /blog",
      "https://shop.example/blog?page=2#top     | /blog",
      "https://shop.example/Caf%C3%A9/menu/     | /Caf%C3%A9/menu",
      "https://shop.example/app/#/settings      | /app#/settings"})
  void normalizesThePage(String url, String page) {
    assertThat(ENRICHER.enrich(SITE, "beacon", url, null, null, FIREFOX, null, null, null).page()).isEqualTo(page);
  }

  @Test
  void readsUtmTagsHostnameScreenAndGeo() {
    Dimensions d = ENRICHER.enrich(SITE, "log",
        "https://www.shop.example/?utm_source=mail&utm_medium=email&utm_campaign=black+friday&utm_term=shoes&utm_content=banner+2",
        null, 390, FIREFOX, "DE", "Berlin", "Berlin");
    // Windows NT 10.0 is Windows 10 or 11 (they send the same), which Yauaa says as ">=10".
    assertThat(d).isEqualTo(new Dimensions("/", "shop.example", "mail", null, "mail", "email", "black friday", "shoes", "banner 2",
        "DE", "Berlin", "Berlin", "Firefox", "133", "Windows NT", ">=10", "desktop", "Mobile", "log", false));
    assertThat(d.valueOf("browser_version")).isEqualTo("Firefox 133");
    assertThat(d.valueOf("os_version")).isEqualTo("Windows NT >=10");
    assertThat(ENRICHER.enrich(SITE, "log", "https://shop.example/", null, null, "curl/8.5.0", null, null, null).valueOf("os_version"))
        .as("an unknown version is no value").isNull();
  }

  @ParameterizedTest(name = "width {0} → {1}")
  @CsvSource(nullValues = "-", value = {"-, -", "0, -", "375, Mobile", "575, Mobile", "576, Tablet", "991, Tablet", "992, Laptop", "1439, Laptop", "1440, Desktop", "3840, Desktop"})
  void classifiesScreens(Integer width, String screen) {
    assertThat(HitEnricher.screenClass(width)).isEqualTo(screen);
  }
}
