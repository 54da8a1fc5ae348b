package biz.vulcantracker.store;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the site registry, reloaded whole every refresh interval, so the edge
 * authorizes a hit without a database round trip and a new site is accepted by every node within
 * seconds. Changes made through this node's admin API take effect here at once.
 */
public final class SiteCatalog {

  private static final Logger log = LoggerFactory.getLogger(SiteCatalog.class);

  private final SiteRepository repository;
  private volatile Map<String, Site> sites = Map.of();
  private volatile java.util.Set<String> domains = java.util.Set.of();
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();
  /**
   * Sites created or deleted through this node, numbered: a reload whose query started before such a
   * change must not undo it (its answer may predate the change), so it lays the later ones over.
   */
  private final Map<String, LocalChange> localChanges = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong changeCount = new java.util.concurrent.atomic.AtomicLong();

  /** A site created ({@code site} set) or deleted ({@code site} null) through this node. */
  private record LocalChange(long number, Site site) {}

  private SiteCatalog(SiteRepository repository) {
    this.repository = repository;
  }

  /** A catalog that loads now and then every {@code interval}, until the system terminates. */
  public static SiteCatalog start(ActorSystem<?> system, SiteRepository repository, Duration interval) {
    SiteCatalog catalog = new SiteCatalog(repository);
    system
        .scheduler()
        .scheduleWithFixedDelay(Duration.ZERO, interval, catalog::refresh, system.executionContext());
    return catalog;
  }

  /**
   * A catalog of just these sites, loaded and never reloaded, with no registry behind it: for a
   * surface tested without Cassandra.
   */
  public static SiteCatalog of(java.util.List<Site> sites) {
    SiteCatalog catalog = new SiteCatalog(null);
    sites.forEach(catalog::remember);
    catalog.firstLoad.complete(null);
    return catalog;
  }

  /** Completes when the registry has been read once. */
  public CompletionStage<Void> loaded() {
    return firstLoad;
  }

  public Optional<Site> find(String siteId) {
    return Optional.ofNullable(sites.get(siteId));
  }

  /** Every site this node knows. */
  public java.util.Collection<Site> all() {
    return sites.values();
  }

  /** True when {@code host} is a domain of some site (answers CORS preflights, which name no site). */
  public boolean isSiteDomain(String host) {
    return domains.contains(host.toLowerCase(java.util.Locale.ROOT));
  }

  public SiteRepository repository() {
    return repository;
  }

  /** Takes a site created through this node into the cache without waiting for the next reload. */
  public synchronized void remember(Site site) {
    localChanges.put(site.id(), new LocalChange(changeCount.incrementAndGet(), site));
    sites = merged(Map.of(site.id(), site), null);
  }

  /** Drops a site deleted through this node. */
  public synchronized void forget(String siteId) {
    localChanges.put(siteId, new LocalChange(changeCount.incrementAndGet(), null));
    sites = merged(Map.of(), siteId);
  }

  private synchronized Map<String, Site> merged(Map<String, Site> add, String remove) {
    var copy = new java.util.HashMap<>(sites);
    copy.putAll(add);
    if (remove != null) {
      copy.remove(remove);
    }
    return indexed(Map.copyOf(copy));
  }

  /** Rebuilds the domain index for a new registry; returns the registry. */
  private Map<String, Site> indexed(Map<String, Site> registry) {
    domains = registry.values().stream()
        .flatMap(site -> site.domains().stream())
        .map(d -> d.toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    return registry;
  }

  private void refresh() {
    long changesBefore = changeCount.get();
    repository
        .findAll()
        .whenComplete(
            (all, error) -> {
              if (error != null) {
                // Keep serving the last known registry; Cassandra may be back at the next tick.
                log.warn("Could not reload the site registry: {}", error.toString());
              } else {
                reloaded(all.stream().collect(Collectors.toMap(Site::id, Function.identity())), changesBefore);
                firstLoad.complete(null);
              }
            });
  }

  /**
   * Takes a reloaded registry, with this node's changes made after its query started laid over it
   * (the query may not have seen them); the earlier ones are in it, and are forgotten.
   */
  private synchronized void reloaded(Map<String, Site> registry, long changesBefore) {
    localChanges.values().removeIf(change -> change.number() <= changesBefore);
    localChanges.forEach((id, change) -> {
      if (change.site() == null) {
        registry.remove(id);
      } else {
        registry.put(id, change.site());
      }
    });
    sites = indexed(Map.copyOf(registry));
  }
}
