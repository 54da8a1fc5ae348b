package biz.vulcantracker.beacon;

import biz.vulcantracker.queue.RedisConnections;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The random salt of each UTC day, shared by every edge node through Redis: the first node to need
 * a day's salt creates it with {@code SET NX}, everyone then reads the same one. A salt expires in
 * Redis {@code salt-retention-after-day} after its day ends; once gone, no visitor id of that day can
 * ever be recomputed from an IP.
 *
 * <p>Server logs bring hits of past days. A past day whose salt is gone gets a new random salt, kept
 * for the retention from now (so that one import hashes a visitor the same way throughout); it links
 * nothing to the day's earlier salt, which no longer exists anywhere.
 *
 * <p>Salts are cached in memory for a few minutes only, so a node never holds one much longer than
 * Redis does.
 */
public final class DailySalts {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisConnections redis;
  private final String keyPrefix;
  private final Duration retentionAfterDay;
  private final Cache<LocalDate, byte[]> salts = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(5)).build();

  public DailySalts(RedisConnections redis, BeaconSettings settings) {
    this.redis = redis;
    this.keyPrefix = settings.streamPrefix() + ":salt:";
    this.retentionAfterDay = settings.saltRetentionAfterDay();
  }

  /** The salt of {@code day}, created if this is the first hit of the day anywhere. */
  public CompletionStage<byte[]> saltOf(LocalDate day) {
    byte[] held = heldSalt(day);
    if (held != null) {
      return CompletableFuture.completedFuture(held);
    }
    // Concurrent first requests of a day may each ask Redis; SET NX makes them agree on one salt.
    return fetch(day).thenApply(salt -> {
      salts.put(day, salt);
      return salt;
    });
  }

  /** The day's salt if this node holds it, else null: {@link #saltOf} would ask Redis. */
  public byte[] heldSalt(LocalDate day) {
    return salts.getIfPresent(day);
  }

  private CompletionStage<byte[]> fetch(LocalDate day) {
    String key = keyPrefix + day;
    Instant dayExpiry = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(retentionAfterDay);
    Instant now = Instant.now();
    Instant expiry = dayExpiry.isBefore(now) ? now.plus(retentionAfterDay) : dayExpiry;
    return redis.shared().thenCompose(connection -> {
      var commands = connection.async();
      return commands.set(key, newSalt(), SetArgs.Builder.nx().exAt(expiry))
          .thenCompose(ignored -> commands.get(key))
          .thenApply(Base64.getDecoder()::decode);
    });
  }

  private static String newSalt() {
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    return Base64.getEncoder().encodeToString(salt);
  }
}
