package biz.vulcantracker.beacon;

import biz.vulcantracker.queue.RedisConnections;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The random salt of each UTC day, shared by every edge node through Redis: the first node to need
 * a day's salt creates it with {@code SET NX}, everyone then reads the same one. A salt expires in
 * Redis {@code salt-retention-after-day} after its day ends; once gone, no visitor id of that day can
 * ever be recomputed from an IP. Salts are cached in memory per day.
 */
public final class DailySalts {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisConnections redis;
  private final String keyPrefix;
  private final Duration retentionAfterDay;
  private final ConcurrentHashMap<LocalDate, byte[]> cache = new ConcurrentHashMap<>();
  /** Past days known to have no salt: it can never appear later (a salt is only made on its day). */
  private final java.util.Set<LocalDate> absentPastDays = ConcurrentHashMap.newKeySet();

  public DailySalts(RedisConnections redis, BeaconSettings settings) {
    this.redis = redis;
    this.keyPrefix = settings.streamPrefix() + ":salt:";
    this.retentionAfterDay = settings.saltRetentionAfterDay();
  }

  /** The salt of {@code day}, created if this is the first hit of the day anywhere. */
  public CompletionStage<byte[]> saltOf(LocalDate day) {
    return cached(day, true).thenApply(Optional::orElseThrow);
  }

  /** The salt of {@code day} if it exists (used for the previous day: never created after the fact). */
  public CompletionStage<Optional<byte[]>> existingSaltOf(LocalDate day) {
    return cached(day, false);
  }

  private CompletionStage<Optional<byte[]>> cached(LocalDate day, boolean create) {
    byte[] known = cache.get(day);
    if (known != null) {
      return CompletableFuture.completedFuture(Optional.of(known));
    }
    if (!create && absentPastDays.contains(day)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    // Concurrent first requests of a day may each ask Redis; SET NX makes them agree on one salt.
    return fetch(day, create).thenApply(salt -> {
      if (salt.isPresent()) {
        cache.put(day, salt.get());
        // Only today and yesterday are ever asked for; drop anything older.
        cache.keySet().removeIf(d -> d.isBefore(day.minusDays(2)));
      } else if (day.isBefore(LocalDate.now(ZoneOffset.UTC))) {
        absentPastDays.add(day);
        absentPastDays.removeIf(d -> d.isBefore(day.minusDays(2)));
      }
      return salt;
    });
  }

  private CompletionStage<Optional<byte[]>> fetch(LocalDate day, boolean create) {
    String key = keyPrefix + day;
    Instant expiry = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(retentionAfterDay);
    return redis.shared().thenCompose(connection -> {
      var commands = connection.async();
      CompletionStage<String> created = create
          ? commands.set(key, newSalt(), SetArgs.Builder.nx().exAt(expiry))
          : CompletableFuture.completedFuture(null);
      return created.thenCompose(ignored -> commands.get(key))
          .thenApply(value -> Optional.ofNullable(value).map(Base64.getDecoder()::decode));
    });
  }

  private static String newSalt() {
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    return Base64.getEncoder().encodeToString(salt);
  }
}
