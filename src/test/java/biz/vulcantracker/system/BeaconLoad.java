package biz.vulcantracker.system;

import biz.vulcantracker.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Beacons as real traffic sends them, for the cluster tests: real browsers' User-Agents, many pages,
 * referrers and campaign tags, screen widths, and each beacon from a public address of its own (so
 * GeoIP runs and each beacon is a visitor of its own: visitors must equal the beacons counted).
 * Sent concurrently (at most {@link #IN_FLIGHT} unanswered), either a fixed number as fast as the
 * edge takes them or at a steady rate until closed; the ones answered 204 are counted per site —
 * the hits that must be counted exactly once.
 */
final class BeaconLoad implements AutoCloseable {

  private static final int IN_FLIGHT = 256;
  private static final List<String> USER_AGENTS = List.of(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
      "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.107 Mobile Safari/537.36 DuckDuckGo/5");
  private static final List<String> REFERRERS = List.of("", "", "", "https://www.google.com/", "https://news.ycombinator.com/item?id=4242",
      "https://t.co/xYz", "https://www.reddit.com/r/selfhosted/comments/abc/", "https://duckduckgo.com/", "https://blog.partner.example/links");
  private static final int[] WIDTHS = {390, 412, 768, 1024, 1280, 1366, 1440, 1920, 2560};

  private final ApiClient api;
  private final String[] sites;
  private final Map<String, AtomicInteger> answered204 = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger();
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private Thread sender;

  private BeaconLoad(ApiClient api, String[] sites) {
    this.api = api;
    this.sites = sites;
  }

  /** Sends {@code count} beacons, round-robin over the sites, and returns once all are answered. */
  static BeaconLoad send(ApiClient api, int count, String... sites) throws InterruptedException {
    BeaconLoad load = new BeaconLoad(api, sites);
    for (int i = 0; i < count; i++) {
      load.sendOne();
    }
    load.awaitAnswers();
    return load;
  }

  /** Sends {@code perSecond} beacons a second, round-robin over the sites, until {@link #close()}. */
  static BeaconLoad atRate(ApiClient api, int perSecond, String... sites) {
    BeaconLoad load = new BeaconLoad(api, sites);
    long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
    load.sender = new Thread(() -> {
      long due = System.nanoTime();
      try {
        while (load.sending.get()) {
          load.sendOne();
          due += interval;
          LockSupport.parkNanos(due - System.nanoTime());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "beacon-load");
    load.sender.start();
    return load;
  }

  private void sendOne() throws InterruptedException {
    inFlight.acquire();
    int i = next.getAndIncrement();
    String site = sites[i % sites.length];
    String page = switch (i % 5) {
      case 0 -> "/";
      case 1 -> "/blog/post-" + (i % 211);
      case 2 -> "/docs/" + (i % 13) + "/page-" + (i % 37) + "?utm_source=newsletter&utm_medium=email&utm_campaign=w" + (i % 9);
      case 3 -> "/products/" + (i % 97);
      default -> "/pricing";
    };
    String query = "s=" + site + "&u=" + encode("https://" + site + page) + "&w=" + WIDTHS[i % WIDTHS.length]
        + (REFERRERS.get(i % REFERRERS.size()).isEmpty() ? "" : "&r=" + encode(REFERRERS.get(i % REFERRERS.size())));
    api.beaconGetAsync(query, publicAddress(i), USER_AGENTS.get(i % USER_AGENTS.size()))
        .whenComplete((status, error) -> {
          if (error == null && status == 204) {
            answered204.computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
          } else {
            refused.incrementAndGet();
          }
          inFlight.release();
        });
  }

  /** A distinct public IPv4 address per beacon (first octet 31–90: no private, shared or loopback range). */
  static String publicAddress(int i) {
    return (31 + (i >>> 16) % 60) + "." + ((i >>> 8) & 255) + "." + (i & 255) + "." + (1 + i % 200);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private void awaitAnswers() throws InterruptedException {
    inFlight.acquire(IN_FLIGHT);
    inFlight.release(IN_FLIGHT);
  }

  int sent() {
    return next.get();
  }

  int answered204(String site) {
    AtomicInteger count = answered204.get(site);
    return count == null ? 0 : count.get();
  }

  int answered204() {
    return answered204.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  int refused() {
    return refused.get();
  }

  /** Stops sending and waits for every answer. */
  @Override
  public void close() throws InterruptedException {
    sending.set(false);
    if (sender != null) {
      sender.join();
    }
    awaitAnswers();
  }
}
