package biz.vulcantracker.forwarder;

import biz.vulcantracker.logformat.LogFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code forward}.
 *
 * @param url the ingest endpoint, e.g. {@code https://vulcan.example/api/v1/beacon/log}
 * @param site the site id
 * @param token the site's ingest token, from the environment or a file, never from the command line (which
 *     every user of the machine can read in the process list)
 * @param file the access log
 * @param format {@code combined} (default), {@code common}, {@code vcombined}, {@code vcommon} or an nginx log_format
 * @param follow keep reading as the file grows and is rotated, like {@code tail -F}
 * @param state where the position is kept (default: the log's name plus {@code .vulcan-state} in the working directory)
 * @param batchBytes most bytes per batch (at most the endpoint's limit, 8 MiB by default; default {@value #DEFAULT_BATCH_BYTES})
 * @param flushInterval how long a partial batch waits for more lines when following
 */
public record ForwarderOptions(
    URI url, String site, String token, Path file, String format, boolean follow, Path state, int batchBytes,
    Duration flushInterval) {

  /**
   * 8 MiB, the endpoint's default limit (vulcan.beacon.log.max-body-bytes): each request costs a fixed
   * pause on both sides (the endpoint's last chunk appended before it answers, the next batch read
   * and sent after), so fewer, larger batches import faster: deploy/bench/logs.sh imported 1M lines
   * at 51k and 58k lines/s with 4 MiB against 34k with 1 MiB, and later, in one warm session, at 203k
   * with 8 MiB against 184k with 4 MiB. The endpoint still reads a batch in chunks of 2,000 lines, so
   * neither its memory nor the time one append holds Redis grows with it; a follower that has caught
   * up sends what the flush interval gathered, far less.
   */
  static final int DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;

  static final String USAGE = """
      usage: VULCAN_INGEST_TOKEN=<ingest token> java -jar vulcan-tracker.jar forward --url <endpoint> --site <site id>
                 --file <access log> [--token-file <file>] [--format combined] [--follow]
                 [--state <file>] [--batch-bytes %d] [--flush-interval-ms 2000]
      The ingest token comes from VULCAN_INGEST_TOKEN or the first line of --token-file, never the command
      line. The endpoint is https://, or http:// to this machine (loopback) only.""".formatted(DEFAULT_BATCH_BYTES);

  static ForwarderOptions parse(List<String> args) {
    return parse(args, System.getenv());
  }

  static ForwarderOptions parse(List<String> args, Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    boolean follow = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--follow")) {
        follow = true;
      } else if (arg.startsWith("--") && i + 1 < args.size()) {
        values.put(arg.substring(2), args.get(++i));
      } else {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
    }
    if (values.containsKey("token")) {
      throw new IllegalArgumentException("--token is refused: a command line is visible to every user of the machine; "
          + "set VULCAN_INGEST_TOKEN or pass --token-file");
    }
    for (String required : List.of("url", "site", "file")) {
      if (!values.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    String token = values.containsKey("token-file") ? firstLine(Path.of(values.get("token-file"))) : environment.get("VULCAN_INGEST_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the ingest token is required: set VULCAN_INGEST_TOKEN or pass --token-file");
    }
    URI url = URI.create(values.get("url"));
    if (!"https".equals(url.getScheme()) && !("http".equals(url.getScheme()) && isLoopback(url.getHost()))) {
      throw new IllegalArgumentException("--url must be https:// (http:// only to this machine): the token and the "
          + "log's lines would cross the network in the clear");
    }
    Path file = Path.of(values.get("file"));
    Path state = Path.of(values.getOrDefault("state", file.getFileName() + ".vulcan-state"));
    int batchBytes = Integer.parseInt(values.getOrDefault("batch-bytes", Integer.toString(DEFAULT_BATCH_BYTES)));
    if (batchBytes < 1024 || batchBytes > 8 * 1024 * 1024) {
      throw new IllegalArgumentException("--batch-bytes must be between 1024 and 8388608");
    }
    String format = values.getOrDefault("format", "combined");
    LogFormat.of(format); // refused here (IllegalArgumentException) rather than by the endpoint
    return new ForwarderOptions(url, values.get("site"), token.strip(), file, format, follow, state, batchBytes,
        Duration.ofMillis(Long.parseLong(values.getOrDefault("flush-interval-ms", "2000"))));
  }

  private static String firstLine(Path file) {
    try (var lines = Files.lines(file)) {
      return lines.findFirst().orElse("");
    } catch (IOException e) {
      throw new UncheckedIOException("--token-file " + file + " cannot be read", e);
    }
  }

  /** Whether a host is this machine: a loopback address or "localhost" (no name is looked up elsewhere). */
  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]+")) {
      return false; // a name: not resolved here, so not trusted to stay on this machine
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
