package biz.vulcantracker.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.enrich.UserAgentClassifier.Agent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserAgentClassifierTest {

  private static final UserAgentClassifier CLASSIFIER = UserAgentClassifier.shared();

  // Yauaa gives no major version for Windows NT 10.0: Windows 10 and 11 send the same one.
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Chrome on Windows   | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 | Chrome | 131 | Windows NT | Unknown | desktop",
      "Safari on iPhone    | Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1 | Safari | 17 | iOS | 17 | mobile",
      "Safari on iPad      | Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1 | Safari | 17 | iOS | 17 | tablet",
      "Firefox on Linux    | Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 | Firefox | 133 | Linux | Unknown | desktop",
      "Chrome on Android   | Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 | Chrome | 131 | Android | 14 | mobile"})
  void readsBrowsersOfPeople(String name, String userAgent, String browser, String version, String os, String osVersion,
      String device) {
    assertThat(CLASSIFIER.classify(userAgent)).isEqualTo(new Agent(browser, version, os, osVersion, device, false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Googlebot           | Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Bingbot             | Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
      "curl                | curl/8.5.0",
      "python requests     | python-requests/2.32.3",
      "Uptime monitor      | Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
      "headless Chrome     | Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
      "GPTBot              | Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"})
  void spotsBots(String name, String userAgent) {
    assertThat(CLASSIFIER.classify(userAgent).bot()).isTrue();
  }

  @Test
  void aMissingUserAgentIsABot() {
    assertThat(CLASSIFIER.classify("").bot()).isTrue();
    assertThat(CLASSIFIER.classify(null).bot()).isTrue();
  }

  /** Every example the crawler-user-agents list ships with is recognised. */
  @Test
  void recognisesEveryInstanceOfTheCrawlerList() throws Exception {
    List<String> missed = new ArrayList<>();
    int checked = 0;
    try (InputStream in = UserAgentClassifier.class.getResourceAsStream("/enrich/crawler-user-agents.json")) {
      for (JsonNode entry : new ObjectMapper().readTree(in)) {
        for (JsonNode instance : entry.path("instances")) {
          checked++;
          if (!CLASSIFIER.classify(instance.asText()).bot()) {
            missed.add(instance.asText());
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(1000);
    assertThat(missed).isEmpty();
  }
}
