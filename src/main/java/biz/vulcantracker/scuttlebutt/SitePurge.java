package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.katric.SiteEntity;
import biz.vulcantracker.scuttlebutt.imports.Imports;
import biz.vulcantracker.scuttlebutt.people.People;
import biz.vulcantracker.store.SiteData;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What deleting a site deletes after its registry row: its entity (stopped, its journal and
 * snapshots deleted), its rows (rollups, hits of every day a hit of it can have), its members,
 * invitations, share links and imports.
 */
public final class SitePurge {

  private final ActorSystem<?> system;
  private final SiteData data;
  private final Duration maxAge;
  private final People people;
  private final Imports imports;

  /** @param maxAge the oldest a hit may be ({@code vulcan.katric.max-age}): the oldest day with hits */
  public SitePurge(ActorSystem<?> system, SiteData data, Duration maxAge, People people, Imports imports) {
    this.system = system;
    this.people = people;
    this.imports = imports;
    this.data = data;
    this.maxAge = maxAge;
  }

  public CompletionStage<Done> purge(String siteId) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    // A day either side: sites' time zones run from UTC-12 to UTC+14.
    LocalDate first = today.minusDays(maxAge.toDays() + 1);
    LocalDate last = today.plusDays(1);
    return SiteEntity.forget(system, siteId).thenCompose(forgotten -> data.purge(siteId, first, last))
        .thenCompose(purged -> people.members().forgetSite(siteId))
        .thenCompose(forgotten -> people.shareLinks().forgetSite(siteId))
        .thenCompose(forgotten -> imports.forgetSite(siteId))
        .thenApply(forgotten -> Done.getInstance());
  }
}
