package biz.vulcantracker.beacon;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * The random salt of each UTC day, shared by the cluster's nodes in memory only (Pekko Distributed
 * Data, no durable store): a salt is never written to a disk, so once it is deleted — {@code
 * salt-retention-after-day} after its day ends — no copy anywhere (no AOF, no RDB, no volume
 * snapshot) can turn a day's visitor ids back into addresses. It also does not depend on Redis: an
 * edge goes on hashing through a Redis outage for as long as its spool has room.
 *
 * <p>The first node to need a day's salt writes a random one to a majority of nodes, first write
 * wins ({@link LWWRegister#reverseClock()}), and reads the day back from a majority, so two nodes
 * that made a salt at once agree on one before either uses it. A node keeps the salts it has read
 * until they expire. Server logs bring hits of past days: a past day whose salt is gone gets a new
 * one, kept for the retention from now (one import hashes a visitor the same way throughout); it
 * links nothing to the day's earlier salt, which no longer exists anywhere.
 *
 * <p>Each salt is an entry of its own, named by its day and its deletion time: a salt is never
 * replaced under a name another replica may still hold (an LWW map merges such values, and the old
 * one could win), so a day's new salt after the old one's deletion is a new entry. Of a day's live
 * entries the one deleted first is the day's salt, on every node.
 *
 * <p>The price of keeping salts off disk: if every node of the cluster stops at once, today's salt
 * is gone and a new one is made, so a visitor seen before and after counts twice that day.
 */
public final class DailySalts {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("vulcan-daily-salts");
  private static final Duration CONSISTENCY_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

  private final ActorSystem<?> system;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private final Duration retentionAfterDay;
  /** The salts this node has read, with when they are deleted. */
  private final Map<LocalDate, Salt> held = new ConcurrentHashMap<>();

  private record Salt(byte[] bytes, Instant expiry) {
    String encoded() {
      return expiry.getEpochSecond() + ":" + Base64.getEncoder().encodeToString(bytes);
    }

    static Salt decode(String value) {
      int colon = value.indexOf(':');
      return new Salt(Base64.getDecoder().decode(value.substring(colon + 1)), Instant.ofEpochSecond(Long.parseLong(value.substring(0, colon))));
    }
  }

  public DailySalts(ActorSystem<?> system, BeaconSettings settings) {
    this.system = system;
    this.replicator = DistributedData.get(system).replicator();
    this.self = DistributedData.get(system).selfUniqueAddress();
    this.retentionAfterDay = settings.saltRetentionAfterDay();
    system.scheduler().scheduleAtFixedRate(SWEEP_INTERVAL, SWEEP_INTERVAL, this::deleteExpired, system.executionContext());
  }

  /** The salt of {@code day}, made if this is the first hit of the day anywhere. */
  public CompletionStage<byte[]> saltOf(LocalDate day) {
    byte[] known = heldSalt(day);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    Salt candidate = new Salt(newSalt(), expiryOf(day));
    String field = day + "|" + candidate.expiry().getEpochSecond();
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, String>>>ask(replicator,
            replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(), new Replicator.WriteMajority(CONSISTENCY_TIMEOUT), replyTo,
                salts -> liveSaltOf(salts, day) != null ? salts : salts.put(self, field, candidate.encoded(), LWWRegister.reverseClock())),
            CONSISTENCY_TIMEOUT.plusSeconds(1), system.scheduler())
        // A majority written and a majority read overlap: every node reads the same first salt back.
        .thenCompose(written -> read(new Replicator.ReadMajority(CONSISTENCY_TIMEOUT)))
        .exceptionallyCompose(unreachable -> read(Replicator.readLocal())) // a partition: this side's salt
        .thenApply(salts -> {
          Salt live = liveSaltOf(salts, day);
          Salt agreed = live != null ? live : candidate;
          held.put(day, agreed);
          return agreed.bytes();
        });
  }

  /** The day's salt in the map: of its entries not deleted yet, the one deleted first; null if none. */
  private static Salt liveSaltOf(LWWMap<String, String> salts, LocalDate day) {
    String prefix = day + "|";
    Instant now = Instant.now();
    Salt first = null;
    for (Map.Entry<String, String> entry : salts.getEntries().entrySet()) {
      if (entry.getKey().startsWith(prefix)) {
        Salt salt = Salt.decode(entry.getValue());
        if (salt.expiry().isAfter(now) && (first == null || salt.expiry().isBefore(first.expiry()))) {
          first = salt;
        }
      }
    }
    return first;
  }

  /** The day's salt if this node holds it and it is not deleted yet, else null ({@link #saltOf} would ask the cluster). */
  public byte[] heldSalt(LocalDate day) {
    Salt salt = held.get(day);
    if (salt == null) {
      return null;
    }
    if (!salt.expiry().isAfter(Instant.now())) {
      held.remove(day, salt);
      return null;
    }
    return salt.bytes();
  }

  private CompletionStage<LWWMap<String, String>> read(Replicator.ReadConsistency consistency) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, String>>>ask(replicator,
            replyTo -> new Replicator.Get<>(KEY, consistency, replyTo), CONSISTENCY_TIMEOUT.plusSeconds(1), system.scheduler())
        .thenApply(response -> {
          if (response instanceof Replicator.GetSuccess<LWWMap<String, String>> success) {
            return success.get(KEY);
          }
          if (response instanceof Replicator.NotFound<LWWMap<String, String>>) {
            return LWWMap.<String, String>empty();
          }
          throw new IllegalStateException("salts not readable: " + response);
        });
  }

  /** Deletes every salt past its time, here and (as every node does) in the cluster's map. */
  private void deleteExpired() {
    Instant now = Instant.now();
    held.entrySet().removeIf(entry -> !entry.getValue().expiry().isAfter(now));
    replicator.tell(new Replicator.Update<>(KEY, LWWMap.empty(), Replicator.writeLocal(), system.ignoreRef(), salts -> {
      LWWMap<String, String> kept = salts;
      for (Map.Entry<String, String> entry : salts.getEntries().entrySet()) {
        if (!Salt.decode(entry.getValue()).expiry().isAfter(now)) {
          kept = kept.remove(self, entry.getKey());
        }
      }
      return kept;
    }));
  }

  /** When a day's salt is deleted: the retention after the day ends, or after now for a day already past it. */
  private Instant expiryOf(LocalDate day) {
    Instant afterDay = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(retentionAfterDay);
    Instant now = Instant.now();
    return afterDay.isAfter(now) ? afterDay : now.plus(retentionAfterDay);
  }

  private static byte[] newSalt() {
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    return salt;
  }
}
