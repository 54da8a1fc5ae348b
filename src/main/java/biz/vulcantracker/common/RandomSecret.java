package biz.vulcantracker.common;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Secrets and ids the server makes: random bytes from one {@link SecureRandom}, written URL-safe or as hex. */
public final class RandomSecret {

  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomSecret() {}

  /** {@code bytes} random bytes in unpadded base64url (fit for a URL, a cookie, a header). */
  public static String urlSafe(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random(bytes));
  }

  /** {@code bytes} random bytes in lower-case hex. */
  public static String hex(int bytes) {
    return HexFormat.of().formatHex(random(bytes));
  }

  public static byte[] random(int bytes) {
    byte[] out = new byte[bytes];
    RANDOM.nextBytes(out);
    return out;
  }
}
