package biz.vulcantracker.beacon;

import biz.vulcantracker.logformat.LogLine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The hit ids of one request's log lines, derived from what the lines say rather than from when
 * they arrived: the same file sent again (a retry, a re-import a month later, overlapping rotated
 * files) gives the same ids, and katric counts each hit once. Two identical lines of one request
 * (two requests in the same second from one client) are told apart by their occurrence.
 *
 * <p>The id is kept with the hit, and a digest of a known line with its address in it could be
 * reversed by trying every IPv4 address. So the address (and X-Forwarded-For) is cut out of the
 * line, and only 16 bits of a digest of the address go in instead: enough to tell apart two
 * clients' otherwise identical requests of the same second (busy pages, the same browser, sent in
 * different requests) but for one pair in 65,536, while every id stays equally likely to come
 * from 65,536 IPv4 addresses (and from any of an astronomical number of IPv6 ones).
 */
final class LogLineIds {

  private final String siteId;
  private final Map<String, Integer> occurrences = new HashMap<>();
  private final MessageDigest sha256;

  LogLineIds(String siteId) {
    this.siteId = siteId;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The id of a line of this request (called in the request's line order). */
  synchronized String idOf(byte[] bytes, LogLine line) {
    String content = new String(bytes, StandardCharsets.UTF_8).strip();
    content = content.replace(line.address(), "");
    String client = line.address();
    if (line.forwardedFor() != null && !line.forwardedFor().isEmpty()) {
      content = content.replace(line.forwardedFor(), "");
      client = client + " " + line.forwardedFor();
    }
    byte[] clientDigest = sha256.digest(client.getBytes(StandardCharsets.UTF_8));
    sha256.update(siteId.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(clientDigest, 0, 2); // 16 bits of the client: see above
    sha256.update((byte) 0);
    byte[] digest = sha256.digest(content.getBytes(StandardCharsets.UTF_8));
    String contentId = HexFormat.of().formatHex(digest, 0, 16);
    int occurrence = occurrences.merge(contentId, 1, Integer::sum) - 1;
    return "log-" + contentId + (occurrence == 0 ? "" : "-" + occurrence);
  }
}
