package biz.vulcantracker.scuttlebutt.people;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.common.RandomSecret;
import biz.vulcantracker.store.ApiKeyTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * People's API keys (docs/api.md, "API keys"): a key is {@code vk_<id>_<secret>}, shown once when
 * made; the store keeps the secret's SHA-256 and finds the key by its id. A key reaches the sites it
 * was made for and does at most what its scope allows — {@code read}: reports; {@code write}: also
 * what an admin does — and never more than its person's role on the site at the time of the call, so
 * a person who leaves a site takes their keys' reach with them.
 */
public final class ApiKeys {

  static final String PREFIX = "vk_";
  static final int MAX_PER_PERSON = 50;
  static final int MAX_NAME_CHARS = 100;
  static final int MAX_SITES = 100;

  /** A key's reach: {@code read} is a viewer's, {@code write} an admin's. */
  public enum Scope {
    READ(Role.VIEWER), WRITE(Role.ADMIN);

    public final Role cap;

    Scope(Role cap) {
      this.cap = cap;
    }

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Optional<Scope> of(String key) {
      for (Scope scope : values()) {
        if (scope.key().equals(key)) {
          return Optional.of(scope);
        }
      }
      return Optional.empty();
    }
  }

  /** A made key and its token (shown once). */
  public record Made(String token, ApiKeyTables.ApiKey key) {}

  private final ApiKeyTables tables;
  private final Members members;

  public ApiKeys(ApiKeyTables tables, Members members) {
    this.tables = tables;
    this.members = members;
  }

  /** Makes a key of the person's for sites they have a role on (403 for any other). */
  public CompletionStage<Made> create(Accounts.User user, String name, List<String> sites, String scopeName) {
    String label = name == null ? "" : name.strip();
    if (label.isEmpty() || label.length() > MAX_NAME_CHARS || label.chars().anyMatch(Character::isISOControl)) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_name", "name is 1 to " + MAX_NAME_CHARS + " characters");
    }
    Scope scope = Scope.of(scopeName).orElseThrow(() -> new ApiError(StatusCodes.BAD_REQUEST, "bad_scope", "scope is read or write"));
    if (sites == null || sites.isEmpty() || sites.size() > MAX_SITES) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_sites", "sites is a list of 1 to " + MAX_SITES + " site ids");
    }
    Set<String> reach = new LinkedHashSet<>(sites);
    CompletionStage<Void> allowed = CompletableFuture.completedFuture(null);
    for (String site : reach) {
      allowed = allowed.thenCompose(ok -> members.roleOf(user, site).thenApply(role -> {
        if (role.isEmpty()) {
          throw new ApiError(StatusCodes.FORBIDDEN, "forbidden", "you have no role on site '" + site + "'");
        }
        return null;
      }));
    }
    return allowed.thenCompose(ok -> tables.keyIdsOf(user.email())).thenCompose(ids -> {
      if (ids.size() >= MAX_PER_PERSON) {
        throw new ApiError(StatusCodes.CONFLICT, "too_many_keys", "a person has at most " + MAX_PER_PERSON + " API keys; revoke one first");
      }
      String id = RandomSecret.hex(8);
      String secret = RandomSecret.urlSafe(24);
      ApiKeyTables.ApiKey key = new ApiKeyTables.ApiKey(id, user.email(), label, BearerToken.hashOf(secret), Set.copyOf(reach),
          scope.key(), Instant.now());
      return tables.put(key).thenApply(done -> new Made(PREFIX + id + "_" + secret, key));
    });
  }

  /** The person's keys, oldest first (secrets are not shown again). */
  public CompletionStage<List<ApiKeyTables.ApiKey>> list(Accounts.User user) {
    return tables.keyIdsOf(user.email()).thenCompose(ids -> {
      List<CompletableFuture<Optional<ApiKeyTables.ApiKey>>> reads = new ArrayList<>();
      ids.forEach(id -> reads.add(tables.key(id).toCompletableFuture()));
      return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> reads.stream()
          .map(CompletableFuture::join).flatMap(Optional::stream)
          .sorted(Comparator.comparing(ApiKeyTables.ApiKey::createdAt)).toList());
    });
  }

  /** Revokes one of the person's keys: false when they have no such key. */
  public CompletionStage<Boolean> revoke(Accounts.User user, String keyId) {
    return tables.key(keyId).thenCompose(key -> key.isEmpty() || !key.get().email().equals(user.email())
        ? CompletableFuture.completedFuture(false)
        : tables.delete(user.email(), keyId).thenApply(done -> true));
  }

  /** Whether a bearer token is shaped like an API key (then it is looked up, not compared with a site's report key). */
  public static boolean looksLikeKey(String token) {
    return token.startsWith(PREFIX);
  }

  /** The role a key has on a site now: its scope's cap over its person's role; empty when it reaches no further. */
  public CompletionStage<Optional<Grant>> grant(String token, String siteId, Accounts accounts) {
    String[] parts = token.substring(PREFIX.length()).split("_", 2);
    if (parts.length != 2 || parts[0].length() != 16 || token.length() > 200) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return tables.key(parts[0]).thenCompose(found -> {
      Optional<ApiKeyTables.ApiKey> key = found.filter(k -> BearerToken.matchesStored(parts[1], k.secretHash()));
      if (key.isEmpty() || !key.get().sites().contains(siteId)) {
        return CompletableFuture.completedFuture(Optional.<Grant>empty());
      }
      Scope scope = Scope.of(key.get().scope()).orElse(Scope.READ);
      return accounts.userByEmail(key.get().email()).thenCompose(user -> user.isEmpty()
          ? CompletableFuture.completedFuture(Optional.<Grant>empty())
          : members.roleOf(user.get(), siteId).thenApply(role -> role.map(r -> new Grant(key.get().keyId(), r.capped(scope.cap)))));
    });
  }

  /** What a key may do on one site, and its id (its quota's holder). */
  public record Grant(String keyId, Role role) {}
}
