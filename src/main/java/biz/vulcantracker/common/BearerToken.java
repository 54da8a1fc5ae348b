package biz.vulcantracker.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The {@code Authorization: Bearer} secret of a request, comparing secrets in constant time, and
 * the hashes secrets are kept as.
 *
 * <p>A stored secret is {@code sha256:<hex>} of it. SHA-256 rather than a password hash (Argon2,
 * bcrypt): these secrets are 192 random bits made by the server, not chosen by people, so no
 * dictionary or brute force reaches them, and every beacon log batch and report checks one; a
 * memory-hard hash would cost milliseconds per request for no gain.
 */
public final class BearerToken {

  private BearerToken() {}

  /** The token of {@code Authorization: Bearer <token>}, if the request has one. */
  public static Optional<String> of(HttpRequest request) {
    return request.getHeader("Authorization")
        .map(h -> h.value().strip())
        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(v -> v.substring(7).strip())
        .filter(v -> !v.isEmpty());
  }

  private static final String HASH_PREFIX = "sha256:";

  /** How a secret is stored: {@code sha256:<hex>}. */
  public static String hashOf(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HASH_PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Whether {@code given} is the secret {@code stored} holds: its hash, in constant time. A stored
   * value without the hash prefix is a secret written before secrets were hashed, compared as it is.
   */
  public static boolean matchesStored(String given, String stored) {
    return stored.startsWith(HASH_PREFIX) ? matches(hashOf(given), stored) : matches(given, stored);
  }

  /** Equal secrets, compared in constant time (no timing hint of how much of a guess was right). */
  public static boolean matches(String given, String expected) {
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
