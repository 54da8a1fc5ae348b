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
 * <p>The client address (and X-Forwarded-For) is cut out of a line before it is hashed: the id is
 * kept with the hit, and a digest of a known line with its address in it could be reversed by
 * trying every IPv4 address. Two clients' identical requests in the same second, with the same
 * User-Agent and referrer, are then one content; within a request their occurrence separates them.
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
    if (line.forwardedFor() != null && !line.forwardedFor().isEmpty()) {
      content = content.replace(line.forwardedFor(), "");
    }
    sha256.update(siteId.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    byte[] digest = sha256.digest(content.getBytes(StandardCharsets.UTF_8));
    String contentId = HexFormat.of().formatHex(digest, 0, 16);
    int occurrence = occurrences.merge(contentId, 1, Integer::sum) - 1;
    return "log-" + contentId + (occurrence == 0 ? "" : "-" + occurrence);
  }
}
