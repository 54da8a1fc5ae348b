package biz.vulcantracker.enrich;

import biz.vulcantracker.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Browser and operating system with their major versions and device class of a User-Agent (Yauaa), and
 * whether it is a bot: Yauaa's robot device classes, or a match in the maintained crawler pattern
 * list crawler-user-agents (bundled from npm by the build), or no User-Agent at all.
 *
 * <p>One analyzer per JVM (building one takes seconds and tens of megabytes), asked only for the
 * fields we use; results are cached by User-Agent since a site's visitors use a few hundred.
 */
public final class UserAgentClassifier {

  /** What the reports show of a User-Agent. */
  public record Agent(String browser, String browserVersion, String os, String osVersion, String device, boolean bot) {}

  static final String DESKTOP = "desktop";
  static final String MOBILE = "mobile";
  static final String TABLET = "tablet";
  static final String OTHER = "other";

  private static final String CRAWLERS = "/enrich/crawler-user-agents.json";
  private static final Set<String> ROBOT_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker");
  private static final Agent NO_AGENT = new Agent("Unknown", "", "Unknown", "", OTHER, true);

  private static volatile UserAgentClassifier shared;

  private final UserAgentAnalyzer analyzer;
  private final Pattern crawlers;
  private final Cache<String, Agent> cache = Caffeine.newBuilder().maximumSize(20_000).build();

  private UserAgentClassifier() {
    ParserCompilation.quickCompilerOnlyForAntlr(); // before the build below runs ANTLR
    this.analyzer = UserAgentAnalyzer.newBuilder()
        .withFields(UserAgent.AGENT_NAME, UserAgent.AGENT_VERSION_MAJOR, UserAgent.OPERATING_SYSTEM_NAME,
            UserAgent.OPERATING_SYSTEM_VERSION_MAJOR, UserAgent.DEVICE_CLASS)
        .withCache(0) // our own cache holds the finished result
        .hideMatcherLoadStats()
        .immediateInitialization()
        .build();
    this.crawlers = crawlerPattern();
  }

  /** The JVM's classifier, built on first use. */
  public static UserAgentClassifier shared() {
    UserAgentClassifier current = shared;
    if (current == null) {
      synchronized (UserAgentClassifier.class) {
        if (shared == null) {
          shared = new UserAgentClassifier();
        }
        current = shared;
      }
    }
    return current;
  }

  public Agent classify(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return NO_AGENT;
    }
    return cache.get(userAgent, this::analyze);
  }

  private Agent analyze(String userAgent) {
    UserAgent parsed = analyzer.parse(userAgent);
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    boolean bot = ROBOT_CLASSES.contains(deviceClass) || crawlers.matcher(userAgent).find();
    return new Agent(
        known(parsed.getValue(UserAgent.AGENT_NAME)),
        known(parsed.getValue(UserAgent.AGENT_VERSION_MAJOR)),
        known(parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME)),
        known(parsed.getValue(UserAgent.OPERATING_SYSTEM_VERSION_MAJOR)),
        device(deviceClass),
        bot);
  }

  /** Yauaa's many device classes folded into the three of the reports (and "other"). */
  static String device(String deviceClass) {
    return switch (deviceClass) {
      case "Desktop", "Set-top box", "TV", "Game Console" -> DESKTOP;
      case "Phone", "Mobile", "Watch", "Handheld Game Console" -> MOBILE;
      case "Tablet", "eReader" -> TABLET;
      default -> OTHER;
    };
  }

  private static String known(String value) {
    return value == null || value.startsWith("??") || value.equals("Unknown") ? "Unknown" : value;
  }

  /** All patterns of crawler-user-agents as one alternation, compiled once. */
  private static Pattern crawlerPattern() {
    try (InputStream in = UserAgentClassifier.class.getResourceAsStream(CRAWLERS)) {
      if (in == null) {
        throw new IllegalStateException(CRAWLERS + " is missing: the build (npm, src/main/web) did not run");
      }
      StringJoiner alternation = new StringJoiner("|");
      for (JsonNode entry : Json.MAPPER.readTree(in)) {
        alternation.add("(?:" + entry.get("pattern").asText() + ")");
      }
      return Pattern.compile(alternation.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
