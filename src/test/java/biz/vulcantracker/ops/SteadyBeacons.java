package biz.vulcantracker.ops;

import biz.vulcantracker.ApiClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of beacons for the fault tests: one every {@code pauseMillis}, each from a client
 * address of its own (so each is a visitor of its own), round-robin over the sites, counting per
 * site the ones answered 204 — the hits that must be counted exactly once, whatever fails meanwhile.
 */
final class SteadyBeacons implements AutoCloseable {

  private final Map<String, AtomicInteger> answered204 = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final Thread sender;

  private SteadyBeacons(ApiClient api, String[] sites, String addressPrefix, long pauseMillis) {
    sender = new Thread(() -> {
      for (int i = 0; sending.get(); i++) {
        String site = sites[i % sites.length];
        String address = addressPrefix + ((i >> 8) & 255) + "." + (i & 255);
        int status = api.beaconGet("s=" + site + "&u=https%3A%2F%2F" + site + "%2Fp" + (i % 7), address, "Steady").statusCode();
        if (status == 204) {
          answered204.computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
        } else {
          refused.incrementAndGet();
        }
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "steady-beacons");
  }

  /** Starts sending; {@code addressPrefix} is the first two octets with their dots, e.g. "10.8.". */
  static SteadyBeacons start(ApiClient api, String addressPrefix, long pauseMillis, String... sites) {
    SteadyBeacons beacons = new SteadyBeacons(api, sites, addressPrefix, pauseMillis);
    beacons.sender.start();
    return beacons;
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

  /** Stops sending and waits for the last request's answer. */
  @Override
  public void close() throws InterruptedException {
    sending.set(false);
    sender.join();
  }
}
