package biz.vulcantracker.scuttlebutt.people;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes: Argon2id (RFC 9106), memory-hard, with OWASP's recommended minimum cost (19 MiB,
 * 2 passes, 1 lane), stored as the PHC string every Argon2 tool reads
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded base64). Bouncy Castle's pure-Java
 * generator computes it: no native library to ship, and its Argon2 is checked here against the RFC's
 * test vector. A stored hash with other parameters still verifies (so the cost can be raised
 * later); {@link #needsRehash} says when a sign-in should store a new one.
 */
public final class Passwords {

  /** OWASP Password Storage Cheat Sheet, Argon2id's first configuration. */
  static final int MEMORY_KIB = 19_456;
  static final int ITERATIONS = 2;
  static final int LANES = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  /** Longer passwords are refused: hashing cost must not be the caller's to choose. */
  public static final int MAX_PASSWORD_CHARS = 256;
  public static final int MIN_PASSWORD_CHARS = 10;
  /** A stored hash's cost is bounded too, so a tampered row cannot make a sign-in take minutes. */
  private static final int MAX_MEMORY_KIB = 1 << 20;
  private static final int MAX_ITERATIONS = 10;
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,88})\\$([A-Za-z0-9+/]{16,88})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** A new hash of the password, under a fresh random salt. */
  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = argon2id(password.getBytes(StandardCharsets.UTF_8), salt, MEMORY_KIB, ITERATIONS, LANES, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + LANES + "$" + B64.encodeToString(salt) + "$"
        + B64.encodeToString(hash);
  }

  /** Whether the password is the one the stored hash was made of (false for a hash this class cannot read). */
  public static boolean verify(String password, String stored) {
    Optional<Stored> parsed = parse(stored);
    if (parsed.isEmpty() || password.length() > MAX_PASSWORD_CHARS) {
      return false;
    }
    Stored s = parsed.get();
    byte[] computed = argon2id(password.getBytes(StandardCharsets.UTF_8), s.salt, s.memoryKib, s.iterations, s.lanes, s.hash.length);
    return MessageDigest.isEqual(computed, s.hash);
  }

  /** Whether the stored hash was made with another cost than today's: store a new one at the next sign-in. */
  public static boolean needsRehash(String stored) {
    return parse(stored).map(s -> s.memoryKib != MEMORY_KIB || s.iterations != ITERATIONS || s.lanes != LANES).orElse(true);
  }

  /** Why a new password is refused, or empty when it is acceptable (length only, as NIST SP 800-63B asks). */
  public static Optional<String> weakness(String password) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_CHARS) {
      return Optional.of("a password has at least " + MIN_PASSWORD_CHARS + " characters");
    }
    if (password.length() > MAX_PASSWORD_CHARS) {
      return Optional.of("a password has at most " + MAX_PASSWORD_CHARS + " characters");
    }
    return Optional.empty();
  }

  private record Stored(int memoryKib, int iterations, int lanes, byte[] salt, byte[] hash) {}

  private static Optional<Stored> parse(String stored) {
    Matcher m = stored == null ? null : PHC.matcher(stored);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    int memory = Integer.parseInt(m.group(1));
    int iterations = Integer.parseInt(m.group(2));
    int lanes = Integer.parseInt(m.group(3));
    if (lanes < 1 || iterations < 1 || iterations > MAX_ITERATIONS || memory < 8 * lanes || memory > MAX_MEMORY_KIB) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Stored(memory, iterations, lanes, Base64.getDecoder().decode(m.group(4)),
          Base64.getDecoder().decode(m.group(5))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
    return argon2id(password, salt, null, null, memoryKib, iterations, lanes, length);
  }

  static byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associated, int memoryKib, int iterations, int lanes,
      int length) {
    Argon2Parameters.Builder parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt)
        .withMemoryAsKB(memoryKib)
        .withIterations(iterations)
        .withParallelism(lanes);
    if (secret != null) {
      parameters.withSecret(secret);
    }
    if (associated != null) {
      parameters.withAdditional(associated);
    }
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters.build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }
}
