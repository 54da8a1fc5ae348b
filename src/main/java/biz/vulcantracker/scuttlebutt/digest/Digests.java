package biz.vulcantracker.scuttlebutt.digest;

import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.scuttlebutt.mail.Mailer;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import biz.vulcantracker.store.DigestTables;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Email digests (docs/api.md, "Email digests"): people subscribe to a site's weekly and/or monthly
 * digest; every reports node looks now and then for the latest whole period of each subscription
 * and delivers the digests not yet delivered.
 *
 * <p>Each delivery (period, site, recipient) is claimed in the store before it is sent (a
 * lightweight transaction: one claimer wins) and marked sent once the SMTP server took it. A claim
 * whose node is no longer a member of the cluster (killed, restarted: its incarnation differs), or
 * that has been sending longer than the lease, is taken over and sent again with the same
 * Message-ID. So a digest reaches each recipient once through restarts and node kills; the one
 * window left is a node dying after the SMTP server answered 250 and before the store took "sent":
 * then the digest goes again, with the same Message-ID (SMTP has no way to ask a server whether it
 * already took a message).
 */
public final class Digests {

  private static final Logger log = LoggerFactory.getLogger(Digests.class);
  static final String TOKEN_PREFIX = "vd_";

  /** The outcome of one look: deliveries sent, and those left for another time (failed or owned elsewhere). */
  public record Outcome(int sent, int failed) {}

  private final DigestTables tables;
  private final SiteCatalog sites;
  private final StatsQueries queries;
  private final ReportDefinitions definitions;
  private final Mailer mailer;
  private final Executor blocking;
  private final Clock clock;
  private final String self;
  private final Predicate<String> isMember;
  private final Duration lease;
  /** Deliveries this node is sending now: a second look while one runs leaves them alone. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param self this node's incarnation (its unique cluster address)
   * @param isMember whether an incarnation is a member of the cluster now
   */
  public Digests(DigestTables tables, SiteCatalog sites, StatsQueries queries, ReportDefinitions definitions, Mailer mailer,
      Executor blocking, Clock clock, String self, Predicate<String> isMember, Duration lease) {
    this.tables = tables;
    this.sites = sites;
    this.queries = queries;
    this.definitions = definitions;
    this.mailer = mailer;
    this.blocking = blocking;
    this.clock = clock;
    this.self = self;
    this.isMember = isMember;
    this.lease = lease;
  }

  /** A person's digests of a site (both off when they have none). */
  public CompletionStage<DigestTables.Subscription> subscription(String email, String siteId) {
    return tables.subscription(email, siteId).thenApply(found -> found.orElse(new DigestTables.Subscription(email, siteId, false, false, "")));
  }

  /** Sets a person's digests of a site; both off deletes the subscription. */
  public CompletionStage<DigestTables.Subscription> subscribe(String email, String siteId, boolean weekly, boolean monthly) {
    if (!weekly && !monthly) {
      return tables.delete(email, siteId).thenApply(done -> new DigestTables.Subscription(email, siteId, false, false, ""));
    }
    return tables.subscription(email, siteId).thenCompose(found -> {
      String token = found.map(DigestTables.Subscription::unsubscribeToken).filter(t -> !t.isEmpty()).orElseGet(() -> TOKEN_PREFIX
          + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString((email + "\n" + siteId).getBytes(StandardCharsets.UTF_8))
          + "." + RandomSecret.urlSafe(24));
      DigestTables.Subscription subscription = new DigestTables.Subscription(email, siteId, weekly, monthly, token);
      return tables.put(subscription).thenApply(done -> subscription);
    });
  }

  /** Ends the subscription an unsubscribe token belongs to: false for a token of none. */
  public CompletionStage<Boolean> unsubscribe(String token) {
    String[] parts = token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 1_000
        ? new String[0] : token.substring(TOKEN_PREFIX.length()).split("\\.", 2);
    if (parts.length != 2) {
      return CompletableFuture.completedFuture(false);
    }
    String[] who;
    try {
      who = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8).split("\n", 2);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(false);
    }
    if (who.length != 2) {
      return CompletableFuture.completedFuture(false);
    }
    return tables.subscription(who[0], who[1]).thenCompose(found -> found.isEmpty()
        || !MessageDigest.isEqual(found.get().unsubscribeToken().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))
        ? CompletableFuture.completedFuture(false)
        : tables.delete(who[0], who[1]).thenApply(done -> true));
  }

  /** Delivers every digest due now and not delivered yet, one after another. */
  public CompletionStage<Outcome> deliverDue() {
    Instant now = clock.instant();
    return tables.all().thenCompose(subscriptions -> {
      List<Delivery> due = new ArrayList<>();
      for (DigestTables.Subscription subscription : subscriptions) {
        Optional<Site> site = sites.find(subscription.siteId());
        if (site.isEmpty()) {
          continue; // a deleted site: nothing to report
        }
        if (subscription.weekly()) {
          due.add(new Delivery(subscription, site.get(), DigestPeriod.latest(DigestPeriod.Frequency.WEEKLY, site.get().timezone(), now)));
        }
        if (subscription.monthly()) {
          due.add(new Delivery(subscription, site.get(), DigestPeriod.latest(DigestPeriod.Frequency.MONTHLY, site.get().timezone(), now)));
        }
      }
      CompletionStage<Outcome> chain = CompletableFuture.completedFuture(new Outcome(0, 0));
      for (Delivery delivery : due) {
        chain = chain.thenCompose(sofar -> deliver(delivery).handle((sent, failure) -> {
          if (failure != null) {
            log.warn("Digest {} of {} not delivered; tried again at the next look", delivery.period().key(), delivery.site().id(), failure);
            return new Outcome(sofar.sent(), sofar.failed() + 1);
          }
          return new Outcome(sofar.sent() + (sent ? 1 : 0), sofar.failed());
        }));
      }
      return chain;
    });
  }

  private record Delivery(DigestTables.Subscription subscription, Site site, DigestPeriod period) {
    String id() {
      return period.key() + "/" + site.id() + "/" + subscription.email();
    }
  }

  /** One delivery: true when this call sent it; false when it was sent already or another node holds it. */
  private CompletionStage<Boolean> deliver(Delivery delivery) {
    if (!inFlight.add(delivery.id())) {
      return CompletableFuture.completedFuture(false);
    }
    String email = delivery.subscription().email();
    DigestTables.Send mine = new DigestTables.Send(delivery.period().key(), delivery.site().id(), email, "sending", self, clock.instant(),
        messageId(delivery));
    return tables.send(mine.period(), mine.siteId(), email).thenCompose(existing -> {
      if (existing.isEmpty()) {
        return tables.claim(mine);
      }
      DigestTables.Send held = existing.get();
      boolean abandoned = held.state().equals("sending") && (held.owner().equals(self) || !isMember.test(held.owner())
          || held.claimedAt().plus(lease).isBefore(clock.instant()));
      return abandoned ? tables.takeOver(mine, held.owner()) : CompletableFuture.completedFuture(false);
    }).thenCompose(owned -> {
      if (!owned) {
        return CompletableFuture.completedFuture(false);
      }
      return DigestReport.of(queries, definitions, delivery.site(), delivery.period())
          .thenApplyAsync(report -> {
            String base = mailer.settings().publicUrl();
            String unsubscribe = base + "/api/v1/digests/unsubscribe?token="
                + URLEncoder.encode(delivery.subscription().unsubscribeToken(), StandardCharsets.UTF_8);
            try {
              mailer.send(DigestMail.of(report, email, mine.messageId(), base + "/dashboard/" + delivery.site().id(), unsubscribe));
            } catch (jakarta.mail.MessagingException e) {
              throw new java.util.concurrent.CompletionException(e);
            }
            return report;
          }, blocking)
          .thenCompose(report -> tables.markSent(mine, clock.instant()))
          .thenApply(marked -> true);
    }).whenComplete((done, failure) -> inFlight.remove(delivery.id()));
  }

  /** The same for every attempt of a delivery: a receiver sees a resent digest as the same message. */
  private static String messageId(Delivery delivery) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(delivery.id().getBytes(StandardCharsets.UTF_8));
      return "<digest." + HexFormat.of().formatHex(digest, 0, 16) + "@vulcan-tracker>";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
