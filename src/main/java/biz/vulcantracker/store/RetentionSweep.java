package biz.vulcantracker.store;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Honours each site's retention ({@link Site#retentionDays}): every {@code interval}, and at once
 * when a site's retention is set, the days before its oldest kept day are deleted from every table.
 * Each node remembers how far it swept a site, so after the first sweep only the day that just left
 * the retention is deleted. Every reports node sweeps; the deletes are idempotent.
 */
public final class RetentionSweep {

  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

  private final SiteCatalog sites;
  private final SiteData data;
  private final Duration maxAge;
  /** Per site, the oldest kept day this node has swept up to. */
  private final Map<String, LocalDate> sweptTo = new ConcurrentHashMap<>();

  private RetentionSweep(SiteCatalog sites, SiteData data, Duration maxAge) {
    this.sites = sites;
    this.data = data;
    this.maxAge = maxAge;
  }

  /** @param maxAge the oldest a hit may be ({@code vulcan.katric.max-age}): no day before it has data */
  public static RetentionSweep start(ActorSystem<?> system, SiteCatalog sites, SiteData data, Duration interval, Duration maxAge) {
    RetentionSweep sweep = new RetentionSweep(sites, data, maxAge);
    system.scheduler().scheduleWithFixedDelay(interval, interval, sweep::sweepAll, system.executionContext());
    return sweep;
  }

  private void sweepAll() {
    sites.all().forEach(site -> sweep(site).whenComplete((done, failure) -> {
      if (failure != null) {
        log.warn("Retention sweep of {} failed (retried at the next): {}", site.id(), failure.toString());
      }
    }));
  }

  /** Deletes the site's days before its oldest kept day (none without a retention). */
  public CompletionStage<Done> sweep(Site site) {
    LocalDate today = LocalDate.now(site.timezone());
    Optional<LocalDate> keptFrom = site.oldestKeptDay(today);
    if (keptFrom.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    LocalDate from = sweptTo.getOrDefault(site.id(), today.minusDays(maxAge.toDays() + 2));
    if (!from.isBefore(keptFrom.get())) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return data.purgeBefore(site.id(), keptFrom.get(), keptFrom.get().atStartOfDay(site.timezone()).toInstant(), from)
        .thenApply(done -> {
          sweptTo.put(site.id(), keptFrom.get());
          return done;
        });
  }
}
