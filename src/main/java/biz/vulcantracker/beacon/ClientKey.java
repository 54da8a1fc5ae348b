package biz.vulcantracker.beacon;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key a client is limited by (rate limits, connections at once), kept in memory instead of its
 * address: a keyed hash under a random key that never leaves this process, so no address is kept,
 * even in memory, and none can be recovered from a heap dump.
 *
 * <p>The client is an IPv4 address, or the /64 network of an IPv6 address: one host or household is
 * given a whole /64 and may pick any address in it, so a limit per IPv6 address would be one it could
 * step around 2^64 times.
 */
public final class ClientKey {

  private static final byte[] SECRET = new byte[32];
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  static {
    new SecureRandom().nextBytes(SECRET);
  }

  private ClientKey() {}

  public static long of(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      Arrays.fill(bytes, 8, 16, (byte) 0);
    }
    return ByteBuffer.wrap(MAC.get().doFinal(bytes)).getLong();
  }
}
