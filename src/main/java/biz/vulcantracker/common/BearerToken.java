package biz.vulcantracker.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/** The {@code Authorization: Bearer} secret of a request, and comparing secrets in constant time. */
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

  /** Equal secrets, compared in constant time (no timing hint of how much of a guess was right). */
  public static boolean matches(String given, String expected) {
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
