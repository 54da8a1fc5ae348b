package biz.vulcantracker.scuttlebutt.people;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.store.AccountTables;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Accounts (docs/api.md, "Accounts"): the installation's first user signs up and owns it; a user
 * signs in with email and password and gets a session — a random token for an HTTP-only cookie and
 * a CSRF token the dashboard sends back on every call that changes something (only their SHA-256
 * hashes are stored). Passwords are Argon2id hashes ({@link Passwords}), computed on
 * {@code hashing} (not the threads that serve HTTP). Failed sign-ins are limited per email
 * ({@value #MAX_FAILURES} per {@code FAILURE_WINDOW}) against guessing one person's password, and per
 * client ({@value #MAX_CLIENT_FAILURES}, by its keyed hash: no address is kept) against one password
 * tried on many emails; an unknown email costs the same hash as a known one, so timing does not tell
 * which emails have accounts.
 */
public final class Accounts {

  /** How long a session lasts after sign-in. */
  public static final Duration SESSION_LIFETIME = Duration.ofDays(14);
  static final int MAX_FAILURES = 10;
  /** Higher than per email: an office or a campus signs in from one address. */
  static final int MAX_CLIENT_FAILURES = 30;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  /** RFC 5321's longest address. */
  static final int MAX_EMAIL_CHARS = 254;
  /** Emails tracked for failed sign-ins at most: a flood of made-up emails cannot grow it without bound. */
  private static final int MAX_TRACKED_EMAILS = 100_000;
  /** Verified against when the email has no account, so that a miss costs what a hit costs. */
  private static final String DECOY = Passwords.hash(UUID.randomUUID().toString());

  /** A signed-in user. */
  public record User(String email, boolean owner) {}

  /** A new session: the cookie's token and the CSRF token (both shown once), and its user. */
  public record NewSession(String token, String csrfToken, User user) {}

  private final AccountTables tables;
  private final Executor hashing;
  private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder()
      .expireAfterWrite(FAILURE_WINDOW)
      .maximumSize(MAX_TRACKED_EMAILS)
      .build();

  private final Cache<Long, AtomicInteger> clientFailures = Caffeine.newBuilder()
      .expireAfterWrite(FAILURE_WINDOW)
      .maximumSize(MAX_TRACKED_EMAILS)
      .build();

  public Accounts(AccountTables tables, Executor hashing) {
    this.tables = tables;
    this.hashing = hashing;
  }

  /** Whether the installation has its first user. */
  public CompletionStage<Boolean> isSetUp() {
    return tables.owner().thenApply(Optional::isPresent);
  }

  /** The first user: refused (409) once the installation has one; later users are invited. */
  public CompletionStage<NewSession> signUpFirst(String email, String password) {
    String address = normalized(email);
    Passwords.weakness(password).ifPresent(reason -> {
      throw new ApiError(StatusCodes.BAD_REQUEST, "weak_password", reason);
    });
    String userId = UUID.randomUUID().toString();
    return CompletableFuture.supplyAsync(() -> Passwords.hash(password), hashing)
        .thenCompose(hash -> tables.claimOwner(userId).thenCompose(claimed -> {
          if (!claimed) {
            throw new ApiError(StatusCodes.CONFLICT, "already_set_up", "this installation has its owner; ask them for an invitation");
          }
          return tables.create(new AccountTables.User(address, userId, hash, true, Instant.now()));
        }))
        .thenCompose(created -> startSession(new User(address, true)));
  }

  /**
   * A session for someone who opened an invitation to {@code email}: a new account with the password
   * when the email has none, else the account's own sign-in by {@code client} (the password must be
   * its password).
   */
  public CompletionStage<NewSession> join(String email, String password, long client) {
    String address = normalized(email);
    return tables.user(address).thenCompose(user -> {
      if (user.isPresent()) {
        return signIn(address, password, client);
      }
      Passwords.weakness(password).ifPresent(reason -> {
        throw new ApiError(StatusCodes.BAD_REQUEST, "weak_password", reason);
      });
      return CompletableFuture.supplyAsync(() -> Passwords.hash(password), hashing)
          .thenCompose(hash -> tables.create(new AccountTables.User(address, UUID.randomUUID().toString(), hash, false, Instant.now())))
          .thenCompose(created -> created ? startSession(new User(address, false)) : signIn(address, password, client));
    });
  }

  /** Whether the email has an account. */
  public CompletionStage<Boolean> hasAccount(String email) {
    return tables.user(normalized(email)).thenApply(Optional::isPresent);
  }

  /**
   * A session for the email and password tried by {@code client} (its keyed hash), or 401
   * {@code bad_credentials} (429 after too many failures for the email or from the client).
   */
  public CompletionStage<NewSession> signIn(String email, String password, long client) {
    String address = normalized(email);
    AtomicInteger failed = failures.getIfPresent(address);
    if (failed != null && failed.get() >= MAX_FAILURES) {
      throw new ApiError(StatusCodes.TOO_MANY_REQUESTS, "too_many_attempts",
          "too many failed sign-ins for this email; try again in " + FAILURE_WINDOW.toMinutes() + " minutes");
    }
    AtomicInteger failedHere = clientFailures.getIfPresent(client);
    if (failedHere != null && failedHere.get() >= MAX_CLIENT_FAILURES) {
      throw new ApiError(StatusCodes.TOO_MANY_REQUESTS, "too_many_attempts",
          "too many failed sign-ins from this address; try again in " + FAILURE_WINDOW.toMinutes() + " minutes");
    }
    return tables.user(address).thenComposeAsync(user -> {
      String stored = user.map(AccountTables.User::passwordHash).orElse(DECOY);
      boolean matches = password != null && Passwords.verify(password, stored) && user.isPresent();
      if (!matches) {
        failures.get(address, a -> new AtomicInteger()).incrementAndGet();
        // Not forgotten on a success: an attacker's own account would otherwise reset it between guesses.
        clientFailures.get(client, c -> new AtomicInteger()).incrementAndGet();
        throw new ApiError(StatusCodes.UNAUTHORIZED, "bad_credentials", "no account with this email and password");
      }
      failures.invalidate(address);
      CompletionStage<?> rehashed = Passwords.needsRehash(stored)
          ? tables.setPassword(address, Passwords.hash(password)) : CompletableFuture.completedFuture(null);
      return rehashed.thenCompose(done -> startSession(new User(address, user.get().instanceOwner())));
    }, hashing);
  }

  /** The user of a session token, if the session is live. */
  public CompletionStage<Optional<User>> user(String token) {
    if (token == null || token.isEmpty() || token.length() > 100) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return tables.session(BearerToken.hashOf(token)).thenCompose(session -> session.isEmpty()
        ? CompletableFuture.completedFuture(Optional.<User>empty())
        : tables.user(session.get().email()).thenApply(user -> user.map(u -> new User(u.email(), u.instanceOwner()))));
  }

  /** The account of an email, as a signed-in user would be (for what acts on a person's behalf: their API keys). */
  public CompletionStage<Optional<User>> userByEmail(String email) {
    return tables.user(email).thenApply(user -> user.map(u -> new User(u.email(), u.instanceOwner())));
  }

  /** Whether the CSRF token is the session's. */
  public CompletionStage<Boolean> checksCsrf(String token, String csrfToken) {
    if (token == null || csrfToken == null || csrfToken.length() > 100) {
      return CompletableFuture.completedFuture(false);
    }
    return tables.session(BearerToken.hashOf(token))
        .thenApply(session -> session.isPresent() && BearerToken.matchesStored(csrfToken, session.get().csrfHash()));
  }

  public CompletionStage<Void> signOut(String token) {
    return tables.deleteSession(BearerToken.hashOf(token)).thenApply(done -> null);
  }

  /** Changes the signed-in user's password, given the current one (401 otherwise). */
  public CompletionStage<Void> changePassword(User user, String current, String replacement) {
    Passwords.weakness(replacement).ifPresent(reason -> {
      throw new ApiError(StatusCodes.BAD_REQUEST, "weak_password", reason);
    });
    return tables.user(user.email()).thenComposeAsync(stored -> {
      if (stored.isEmpty() || current == null || !Passwords.verify(current, stored.get().passwordHash())) {
        throw new ApiError(StatusCodes.UNAUTHORIZED, "bad_credentials", "the current password is not right");
      }
      return tables.setPassword(user.email(), Passwords.hash(replacement)).thenApply(done -> (Void) null);
    }, hashing);
  }

  private CompletionStage<NewSession> startSession(User user) {
    String token = randomToken();
    String csrf = randomToken();
    return tables.putSession(BearerToken.hashOf(token), new AccountTables.Session(user.email(), BearerToken.hashOf(csrf), Instant.now()),
        SESSION_LIFETIME).thenApply(done -> new NewSession(token, csrf, user));
  }

  private static String randomToken() {
    return RandomSecret.urlSafe(32);
  }

  /** The email as accounts are keyed: trimmed, lower-case; 400 {@code bad_email} unless it looks like one. */
  static String normalized(String email) {
    String address = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    int at = address.indexOf('@');
    if (address.length() > MAX_EMAIL_CHARS || at < 1 || at != address.lastIndexOf('@') || at == address.length() - 1
        || address.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_email", "an email address like name@example.com, at most " + MAX_EMAIL_CHARS
          + " characters");
    }
    return address;
  }
}
