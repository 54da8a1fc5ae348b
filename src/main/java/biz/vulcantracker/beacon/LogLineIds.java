package biz.vulcantracker.beacon;

import biz.vulcantracker.logformat.LogLine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hit ids of one request's log lines, derived from what each line says and where it stands in
 * its file rather than from when it arrived: the same file sent again (a retry, a re-import a month
 * later, a rotated file read under its new name) gives the same ids, and katric counts each hit once.
 * Two identical lines (the same client asking for the same page twice in one second) stand at
 * different places, so they stay two hits even when they come in different requests.
 *
 * <p>Where a line stands is its byte offset in its file: the request's {@code X-Vulcan-Offset} (where
 * its body starts in the file; the forwarder sends it, a whole file uploaded at once starts at 0) plus
 * the bytes of the lines before it in the body.
 *
 * <p>The id is kept with the hit, so the address (and X-Forwarded-For) is cut out of the line
 * ({@link LogLine#withoutClient}), and only 16 bits of a digest of the address go in instead: enough to tell apart two
 * clients' otherwise identical requests of the same second at the same offset of two servers' logs
 * but for one pair in 65,536, while every id stays equally likely to come from 65,536 IPv4 addresses
 * (and from any of an astronomical number of IPv6 ones).
 */
final class LogLineIds {

  private final String siteId;
  private final MessageDigest sha256;
  private long nextOffset;

  LogLineIds(String siteId, long bodyOffset) {
    this.siteId = siteId;
    this.nextOffset = bodyOffset;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The offset in its file of the request's next line, {@code lineBytes} long without its newline;
   * called for every line of the request in order, blank and refused ones too.
   */
  synchronized long place(int lineBytes) {
    long offset = nextOffset;
    nextOffset += lineBytes + 1L;
    return offset;
  }

  /** The id of the line at {@code offset} (from {@link #place}). */
  synchronized String idOf(byte[] bytes, LogLine line, long offset) {
    String content = line.withoutClient(new String(bytes, StandardCharsets.UTF_8).strip());
    String client = line.forwardedFor() == null || line.forwardedFor().isEmpty()
        ? line.address() : line.address() + " " + line.forwardedFor();
    byte[] clientDigest = sha256.digest(client.getBytes(StandardCharsets.UTF_8));
    sha256.update(siteId.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(clientDigest, 0, 2); // 16 bits of the client: see above
    sha256.update((byte) 0);
    sha256.update(Long.toString(offset).getBytes(StandardCharsets.US_ASCII));
    sha256.update((byte) 0);
    byte[] digest = sha256.digest(content.getBytes(StandardCharsets.UTF_8));
    return "log-" + HexFormat.of().formatHex(digest, 0, 16);
  }
}
