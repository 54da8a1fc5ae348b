package biz.vulcantracker.katric;

import biz.vulcantracker.enrich.ReferrerSources;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.store.Site;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Derives a hit's {@link Dimensions}: the normalized page, the source by docs/api.md's rule, UTM tags,
 * browser/OS/device and bot flag from the User-Agent, the screen class, and the geo fields the edge
 * resolved.
 *
 * <p>Page normalization: the URL's path without query string or fragment, percent-escapes kept as
 * sent; an empty path is "/", and a trailing slash is dropped ("/blog/" and "/blog" are one page)
 * except for the root. A fragment that starts with "/" is a hash route and kept ("/#/settings").
 *
 * <p>Every value derived from the URL, the referrer or the User-Agent is cut at {@link #MAX_VALUE_LENGTH} characters:
 * a log line may be 64 KB, and what a hit carries to its entity and into the journal must stay
 * small enough for a message of bounded size (see {@link HitParts}).
 */
public final class HitEnricher {

  /** The longest page, hostname, referrer or source kept: the beacon contract's longest URL. */
  static final int MAX_VALUE_LENGTH = 2048;

  /**
   * URLs and referrers parsed once each, not once per hit: a site's pages and referrers repeat, and
   * java.net.URI's parser was a twentieth of a node's CPU in a log import (JFR). Only URLs up to
   * {@value #CACHED_URL_LENGTH} characters are kept, so the caches hold a few MB at most whatever
   * the hits carry.
   */
  private static final int CACHED_URLS = 4096;
  private static final int CACHED_URL_LENGTH = 512;

  /** What a page's URL gives a hit: its normalized path, its host without "www.", its query parameters. */
  private record Page(String path, String hostname, Map<String, String> query) {
    static final Page NONE = new Page(null, null, Map.of());
  }

  /** What a referrer's URL gives: its host in lower case (null: none) and its path ("" for the root). */
  private record From(String host, String path) {
    static final From NONE = new From(null, null);
  }

  private final UserAgentClassifier agents;
  private final ReferrerSources referrers;
  private final Cache<String, Page> pages = Caffeine.newBuilder().maximumSize(CACHED_URLS).build();
  private final Cache<String, From> froms = Caffeine.newBuilder().maximumSize(CACHED_URLS).build();

  public HitEnricher(UserAgentClassifier agents, ReferrerSources referrers) {
    this.agents = agents;
    this.referrers = referrers;
  }

  public Dimensions enrich(
      Site site, String channel, String url, String referrer, Integer screenWidth, String userAgent,
      String country, String region, String city) {
    return enrich(site, channel, url, referrer, screenWidth, agents.classify(userAgent), country, region, city);
  }

  /** The same with the User-Agent classified already (by the edge). */
  public Dimensions enrich(
      Site site, String channel, String url, String referrer, Integer screenWidth, UserAgentClassifier.Agent agent,
      String country, String region, String city) {
    Page page = url == null ? Page.NONE : cached(pages, url, HitEnricher::pageOf);
    From from = referrer == null ? From.NONE : cached(froms, referrer, HitEnricher::fromOf);
    String hostname = page.hostname();
    Map<String, String> query = page.query();
    String fromHost = from.host();
    boolean internal = fromHost != null && (site.acceptsHost(fromHost) || stripWww(fromHost).equals(hostname));
    boolean external = fromHost != null && !internal;
    return new Dimensions(
        page.path(),
        hostname,
        capped(source(query, external ? fromHost : null)),
        external ? capped(stripWww(fromHost) + from.path()) : null,
        query.get("utm_source"),
        query.get("utm_medium"),
        query.get("utm_campaign"),
        query.get("utm_term"),
        query.get("utm_content"),
        country, region, city,
        capped(agent.browser()), capped(agent.browserVersion()), capped(agent.os()), capped(agent.osVersion()), capped(agent.device()),
        screenClass(screenWidth),
        channel,
        agent.bot());
  }

  private static <T> T cached(Cache<String, T> cache, String url, Function<String, T> parse) {
    return url.length() <= CACHED_URL_LENGTH ? cache.get(url, parse) : parse.apply(url);
  }

  private static Page pageOf(String url) {
    URI page = parse(url);
    if (page == null) {
      return Page.NONE;
    }
    String hostname = page.getHost() == null ? null : stripWww(page.getHost().toLowerCase(Locale.ROOT));
    return new Page(capped(pagePath(page)), capped(hostname), Map.copyOf(queryOf(page.getRawQuery())));
  }

  private static From fromOf(String referrer) {
    URI from = parse(referrer);
    return from == null || from.getHost() == null ? From.NONE : new From(from.getHost().toLowerCase(Locale.ROOT), pathOrEmpty(from));
  }

  /** utm_source, else ref or source, else the referrer's well-known name, else its host; else Direct / None. */
  String source(Map<String, String> query, String externalReferrerHost) {
    for (String parameter : new String[] {"utm_source", "ref", "source"}) {
      String value = query.get(parameter);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    if (externalReferrerHost == null) {
      return Dimensions.DIRECT;
    }
    return referrers.nameOf(externalReferrerHost).orElse(stripWww(externalReferrerHost));
  }

  static String pagePath(URI url) {
    String path = url.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    } else if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String fragment = url.getRawFragment();
    if (fragment != null && fragment.startsWith("/")) {
      return path + "#" + fragment;
    }
    return path;
  }

  /** Screen classes by CSS width, as the reports show them. */
  static String screenClass(Integer width) {
    if (width == null || width <= 0) {
      return null;
    }
    if (width < 576) {
      return "Mobile";
    }
    if (width < 992) {
      return "Tablet";
    }
    return width < 1440 ? "Laptop" : "Desktop";
  }

  private static String capped(String value) {
    return value == null || value.length() <= MAX_VALUE_LENGTH ? value : value.substring(0, MAX_VALUE_LENGTH);
  }

  private static String pathOrEmpty(URI uri) {
    String path = uri.getRawPath();
    return path == null || path.equals("/") ? "" : path;
  }

  private static String stripWww(String host) {
    return host.startsWith("www.") ? host.substring(4) : host;
  }

  private static URI parse(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static Map<String, String> queryOf(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        continue;
      }
      try {
        String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
        String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8).strip();
        if (!value.isEmpty()) {
          query.putIfAbsent(name, value.length() > 256 ? value.substring(0, 256) : value);
        }
      } catch (IllegalArgumentException e) {
        // a malformed escape: skip that parameter, keep the others
      }
    }
    return query;
  }
}
