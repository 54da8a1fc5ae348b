package biz.vulcantracker.scuttlebutt.people;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.store.ShareLinkTables;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Share links (docs/api.md, "Share links"): read-only links to a site's reports, any number per
 * site, each optionally behind a password and optionally limited to a segment (filters every report
 * through it is kept to). A link's token is {@code vs_<id>_<secret>} (the store keeps the secret's
 * SHA-256); it goes in the dashboard URL's fragment, which browsers never send to a server.
 *
 * <p>A link with a password is unlocked once with it (Argon2id, so it is checked once, not on every
 * report) for an unlock token {@code vu_<id>_<expiry>_<mac>}: an HMAC-SHA256 of the site, the link and
 * the expiry under the link's own random key. Nothing is stored per unlock, and deleting the link
 * revokes its unlock tokens with it. Failed unlocks are limited per link.
 */
public final class ShareLinks {

  static final String LINK_PREFIX = "vs_";
  static final String UNLOCK_PREFIX = "vu_";
  public static final Duration UNLOCK_LIFETIME = Duration.ofHours(24);
  static final int MAX_PER_SITE = 100;
  static final int MAX_LABEL_CHARS = 100;
  static final int MAX_FAILURES = 20;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  private static final String DECOY = Passwords.hash(RandomSecret.urlSafe(16));

  /** A made link and its token (shown once). */
  public record Made(String token, ShareLinkTables.ShareLink link) {}

  /** What a request through a link may see: the site's reports under the link's filters ({@code ""}: all). */
  public record Grant(String linkId, String filters) {}

  private final ShareLinkTables tables;
  private final Executor hashing;
  private final Clock clock;
  private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder()
      .expireAfterWrite(FAILURE_WINDOW)
      .maximumSize(100_000)
      .build();

  public ShareLinks(ShareLinkTables tables, Executor hashing, Clock clock) {
    this.tables = tables;
    this.hashing = hashing;
    this.clock = clock;
  }

  /**
   * Makes a link; {@code filters} is the stats API's filters with saved segments already expanded
   * (so deleting a segment later does not change or break the link), checked by the caller.
   */
  public CompletionStage<Made> create(String siteId, String label, String password, String filters) {
    String name = label == null ? "" : label.strip();
    if (name.length() > MAX_LABEL_CHARS || name.chars().anyMatch(Character::isISOControl)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_label", "label is at most " + MAX_LABEL_CHARS + " characters");
    }
    boolean locked = password != null && !password.isEmpty();
    if (locked) {
      Passwords.weakness(password).ifPresent(reason -> {
        throw new ApiError(StatusCodes.BAD_REQUEST, "weak_password", reason);
      });
    }
    return tables.links(siteId).thenCompose(links -> {
      if (links.size() >= MAX_PER_SITE) {
        throw new ApiError(StatusCodes.CONFLICT, "too_many_share_links", "a site has at most " + MAX_PER_SITE + " share links");
      }
      return CompletableFuture.supplyAsync(() -> locked ? Passwords.hash(password) : "", hashing);
    }).thenCompose(passwordHash -> {
      String id = RandomSecret.hex(8);
      String secret = RandomSecret.urlSafe(24);
      ShareLinkTables.ShareLink link = new ShareLinkTables.ShareLink(siteId, id, name, BearerToken.hashOf(secret), passwordHash,
          filters == null ? "" : filters, RandomSecret.urlSafe(32), clock.instant());
      return tables.put(link).thenApply(done -> new Made(LINK_PREFIX + id + "_" + secret, link));
    });
  }

  public CompletionStage<List<ShareLinkTables.ShareLink>> list(String siteId) {
    return tables.links(siteId).thenApply(links -> links.stream().sorted(Comparator.comparing(ShareLinkTables.ShareLink::createdAt)).toList());
  }

  public CompletionStage<Boolean> revoke(String siteId, String linkId) {
    return tables.link(siteId, linkId).thenCompose(link -> link.isEmpty()
        ? CompletableFuture.completedFuture(false)
        : tables.delete(siteId, linkId).thenApply(done -> true));
  }

  public CompletionStage<Void> forgetSite(String siteId) {
    return tables.forgetSite(siteId).thenApply(done -> null);
  }

  /** Whether a bearer token is shaped like a share link's or an unlock token. */
  public static boolean looksLikeLink(String token) {
    return token.startsWith(LINK_PREFIX) || token.startsWith(UNLOCK_PREFIX);
  }

  /**
   * What a link or unlock token grants on the site: empty when it is no live link of the site;
   * 401 {@code password_required} for a locked link's own token (unlock it first).
   */
  public CompletionStage<Optional<Grant>> grant(String siteId, String token) {
    if (token.length() > 300) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    boolean unlock = token.startsWith(UNLOCK_PREFIX);
    String[] parts = token.substring(3).split("_", unlock ? 3 : 2);
    if (parts.length != (unlock ? 3 : 2) || parts[0].length() != 16) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return tables.link(siteId, parts[0]).thenApply(found -> found.flatMap(link -> {
      if (unlock) {
        return unlocks(link, parts[1], parts[2]) ? Optional.of(new Grant(link.linkId(), link.filters())) : Optional.empty();
      }
      if (!BearerToken.matchesStored(parts[1], link.secretHash())) {
        return Optional.empty();
      }
      if (!link.passwordHash().isEmpty()) {
        throw new ApiError(StatusCodes.UNAUTHORIZED, "password_required", "this share link has a password: unlock it first");
      }
      return Optional.of(new Grant(link.linkId(), link.filters()));
    }));
  }

  /** An unlock token for a locked link's token and its password; 401 {@code bad_password}, 429 after too many failures. */
  public CompletionStage<String> unlock(String siteId, String token, String password) {
    ApiError unknown = new ApiError(StatusCodes.NOT_FOUND, "unknown_share_link", "no such share link of '" + siteId + "'");
    String[] parts = token == null || !token.startsWith(LINK_PREFIX) || token.length() > 300
        ? new String[0] : token.substring(LINK_PREFIX.length()).split("_", 2);
    if (parts.length != 2 || parts[0].length() != 16) {
      return CompletableFuture.failedFuture(unknown);
    }
    String failureKey = siteId + "/" + parts[0];
    AtomicInteger failed = failures.getIfPresent(failureKey);
    if (failed != null && failed.get() >= MAX_FAILURES) {
      return CompletableFuture.failedFuture(new ApiError(StatusCodes.TOO_MANY_REQUESTS, "too_many_attempts",
          "too many wrong passwords for this link; try again in " + FAILURE_WINDOW.toMinutes() + " minutes"));
    }
    return tables.link(siteId, parts[0]).thenApplyAsync(found -> {
      ShareLinkTables.ShareLink link = found.filter(l -> BearerToken.matchesStored(parts[1], l.secretHash())).orElseThrow(() -> unknown);
      boolean locked = !link.passwordHash().isEmpty();
      boolean right = password != null && password.length() <= Passwords.MAX_PASSWORD_CHARS
          && Passwords.verify(password, locked ? link.passwordHash() : DECOY) && locked;
      if (locked && !right) {
        failures.get(failureKey, k -> new AtomicInteger()).incrementAndGet();
        throw new ApiError(StatusCodes.UNAUTHORIZED, "bad_password", "that is not this link's password");
      }
      long expiry = clock.instant().plus(UNLOCK_LIFETIME).getEpochSecond();
      return UNLOCK_PREFIX + link.linkId() + "_" + expiry + "_" + mac(link, expiry);
    }, hashing);
  }

  private boolean unlocks(ShareLinkTables.ShareLink link, String expiry, String mac) {
    long until;
    try {
      until = Long.parseLong(expiry);
    } catch (NumberFormatException e) {
      return false;
    }
    return Instant.ofEpochSecond(until).isAfter(clock.instant())
        && MessageDigest.isEqual(mac(link, until).getBytes(StandardCharsets.UTF_8), mac.getBytes(StandardCharsets.UTF_8));
  }

  private static String mac(ShareLinkTables.ShareLink link, long expiry) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(link.unlockKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] tag = hmac.doFinal((link.siteId() + "\n" + link.linkId() + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
