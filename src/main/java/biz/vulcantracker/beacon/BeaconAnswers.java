package biz.vulcantracker.beacon;

import java.util.List;
import java.util.Optional;

/**
 * The headers of the beacon endpoint's 204 answers, for both servers that write them (Pekko HTTP's
 * {@link BeaconRoutes} and the front's own answers), so that a client cannot tell which one answered.
 * A refusal is an {@link biz.vulcantracker.common.ApiError} in both.
 */
public final class BeaconAnswers {

  public record Header(String name, String value) {}

  /** Browsers may cache an allowed preflight for a day (Chromium caps it at two hours anyway). */
  private static final String PREFLIGHT_MAX_AGE_SECONDS = "86400";

  private BeaconAnswers() {}

  /** Accepted hits: the page's origin echoed for CORS (checked by the intake against the site's domains). */
  public static List<Header> accepted(Optional<String> origin) {
    return origin.map(o -> List.of(new Header("Access-Control-Allow-Origin", o), new Header("Vary", "Origin"))).orElse(List.of());
  }

  /** An allowed CORS preflight: the origin, the methods and the header the script sends. */
  public static List<Header> preflight(String origin) {
    return List.of(
        new Header("Access-Control-Allow-Origin", origin),
        new Header("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        new Header("Access-Control-Allow-Headers", "Content-Type"),
        new Header("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS),
        new Header("Vary", "Origin"));
  }
}
