package biz.vulcantracker.beacon.front;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What one client may hold of the front: connections at once (per client address, an IPv6 /64
 * counting as one; trusted proxies, which carry many clients, excepted), the time a request may take
 * to arrive from its first byte (slow heads and bodies, "slowloris"), and the header limits of Pekko
 * HTTP's parser ({@code pekko.http.server.parsing}), which the front applies by relaying a head over
 * them to Pekko, which refuses it.
 */
public record FrontLimits(int maxConnectionsPerClient, Duration requestTimeout, int maxHeaderCount, int maxHeaderNameLength,
    int maxHeaderValueLength) {

  public static FrontLimits fromConfig(Config config) {
    Config front = config.getConfig("vulcan.beacon.front");
    // The server's parsing settings fall back to pekko.http.parsing, as Pekko reads them.
    Config parsing = config.getConfig("pekko.http.server.parsing").withFallback(config.getConfig("pekko.http.parsing"));
    return new FrontLimits(front.getInt("max-connections-per-client"), front.getDuration("request-timeout"),
        parsing.getInt("max-header-count"), parsing.getBytes("max-header-name-length").intValue(),
        parsing.getBytes("max-header-value-length").intValue());
  }
}
