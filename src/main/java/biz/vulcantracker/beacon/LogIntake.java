package biz.vulcantracker.beacon;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.logformat.LogFormat;
import biz.vulcantracker.logformat.LogLine;
import biz.vulcantracker.logformat.LogLineException;
import biz.vulcantracker.model.EventNames;
import biz.vulcantracker.model.Ledger;
import biz.vulcantracker.model.Property;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.LedgerEntry;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import biz.vulcantracker.telemetry.Telemetry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What the edge does with a batch of access-log lines, whatever reads it ({@link LogRoutes} speaks
 * the HTTP): authorize the site by its ingest token → parse each line in the batch's format → keep
 * the pageviews ({@link LogPageviewRule}) → anonymize them ({@link Anonymizer}; the line's address
 * is dropped there) → append them to the queue, one chunk of lines at a time. With a batch id, each
 * chunk is appended at most once (keyed by batch id and chunk number, see
 * {@link HitProducer#appendOnce}): a retry of the same batch, even one whose first attempt reached
 * Redis and lost its answer, queues nothing twice. Refusals are {@link ApiError}s.
 */
public final class LogIntake {

  static final String CHANNEL = Property.LOG_ORIGIN;
  static final int MAX_PATH_CHARS = 1024;
  private static final int MAX_BATCH_ID_LENGTH = 200;

  /** One request's batch: where its lines go, how they are read, and the answer it builds. */
  public record Batch(Site site, LogFormat format, Optional<String> batchId, LogIngestReport report, LogLineIds lineIds) {}

  private final BeaconSettings settings;
  private final LogIngestSettings limits;
  private final SiteCatalog sites;
  private final Anonymizer anonymizer;
  private final HitProducer producer;
  private final LogPageviewRule rule = new LogPageviewRule(UserAgentClassifier.shared());
  private final Cache<String, LogFormat> formats = Caffeine.newBuilder().maximumSize(256).build();
  /**
   * Whether a page URL has a host, checked once per distinct URL of up to 512 characters (a site's
   * pages repeat; java.net.URI's parser costs a microsecond or two a line).
   */
  private final Cache<String, Boolean> urlsWithHost = Caffeine.newBuilder().maximumSize(4096).build();
  private final Telemetry telemetry;

  public LogIntake(BeaconSettings settings, SiteCatalog sites, Anonymizer anonymizer, HitProducer producer, Telemetry telemetry) {
    this.settings = settings;
    this.limits = settings.log();
    this.sites = sites;
    this.anonymizer = anonymizer;
    this.producer = producer;
    this.telemetry = telemetry;
  }

  public LogIngestSettings limits() {
    return limits;
  }

  /**
   * A batch for the site whose ingest token was given, its lines in {@code formatSpec} (combined when
   * empty), optionally with the sender's batch id.
   */
  public Batch open(Optional<String> token, Optional<String> siteId, Optional<String> formatSpec, Optional<String> batchId,
      Optional<String> bodyOffset) {
    Site site = authorize(token, siteId.orElseThrow(() ->
        new ApiError(StatusCodes.BAD_REQUEST, "missing_field", "the site is missing: ?s=<site id>")));
    return new Batch(site, formatOf(formatSpec.filter(f -> !f.isBlank()).orElse("combined")), checkedBatchId(batchId),
        new LogIngestReport(), new LogLineIds(site.id(), checkedOffset(bodyOffset)));
  }

  /** Parses, filters, anonymizes and queues one chunk (number {@code chunk}, from 0) of the batch's lines. */
  public CompletionStage<Void> ingestChunk(Batch batch, List<byte[]> lines, long chunk) {
    LogIngestReport report = batch.report();
    long firstLine = chunk * limits.linesPerChunk() + 1;
    Instant now = Instant.now();
    long latest = now.plus(limits.maxFuture()).toEpochMilli();
    long oldest = now.minus(limits.maxAge()).toEpochMilli();
    // A site with a retention keeps no day before its oldest kept day: a line of one is not queued.
    long keptFrom = batch.site().oldestKeptDay(java.time.LocalDate.now(batch.site().timezone()))
        .map(day -> day.atStartOfDay(batch.site().timezone()).toInstant().toEpochMilli()).orElse(Long.MIN_VALUE);
    List<CompletableFuture<QueuedHit>> hits = new ArrayList<>();
    // The chunk's lines per day for the ledger: a line of a time out of range (or none) on today.
    ZoneId zone = batch.site().timezone();
    LocalDate today = LocalDate.now(zone);
    Map<LocalDate, Map<String, Long>> skipped = new TreeMap<>();
    Map<LocalDate, Long> received = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      byte[] bytes = lines.get(i);
      long offset = batch.lineIds().place(bytes.length);
      if (isBlank(bytes)) {
        continue;
      }
      report.received();
      long lineNumber = firstLine + i;
      LogLine line;
      try {
        line = batch.format().parse(bytes, 0, bytes.length);
      } catch (LogLineException e) {
        report.rejected(lineNumber, "unparsable", e.getMessage());
        countLine(received, skipped, today, "unparsable");
        continue;
      }
      if (line.timestamp() > latest) {
        report.rejected(lineNumber, "in_future", "the line's time " + Instant.ofEpochMilli(line.timestamp())
            + " is more than " + limits.maxFuture().toSeconds() + " s in the future (vulcan.beacon.log.max-future)");
        countLine(received, skipped, today, "in_future");
        continue;
      }
      if (line.timestamp() < oldest) {
        report.rejected(lineNumber, "too_old", "the line's time " + Instant.ofEpochMilli(line.timestamp())
            + " is older than " + limits.maxAge().toDays() + " days (vulcan.katric.max-age)");
        countLine(received, skipped, today, "too_old");
        continue;
      }
      if (line.timestamp() < keptFrom) {
        report.rejected(lineNumber, "beyond_retention", "the line's day is before the " + batch.site().retentionDays()
            + " days site '" + batch.site().id() + "' keeps");
        countLine(received, skipped, today, "beyond_retention");
        continue;
      }
      LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(line.timestamp()), zone);
      LogPageviewRule.Skip skip = rule.skipOf(line);
      boolean notFound = skip == LogPageviewRule.Skip.STATUS && rule.isNotFound(line);
      if (skip != null && !notFound) {
        report.skipped(skip);
        countLine(received, skipped, day, skip.key());
        continue;
      }
      Optional<String> url = pageUrl(batch.site(), line);
      if (url.isEmpty()) {
        report.rejected(lineNumber, "bad_target", "$request: the target '" + line.target() + "' is not a path or URL");
        countLine(received, skipped, day, "bad_target");
        continue;
      }
      countLine(received, skipped, day, null);
      if (notFound) {
        report.notFound();
      }
      hits.add(anonymize(batch.site(), line, url.get(), batch.lineIds().idOf(bytes, line, offset), notFound));
    }
    List<LedgerEntry> ledger = LedgerEntry.of(batch.site().id(), skipped);
    return CompletableFuture.allOf(hits.toArray(CompletableFuture[]::new))
        .thenCompose(all -> {
          List<QueuedHit> queued = hits.stream().map(CompletableFuture::join).toList();
          if (queued.isEmpty() && ledger.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          if (batch.batchId().isEmpty()) {
            return producer.appendChunk(queued, ledger).thenAccept(ignored -> report.queued(queued.size()));
          }
          // The hits and the ledger of the chunk at most once, together; a chunk sent again is a duplicate, all its lines.
          return producer.appendOnce(onceKey(batch.site(), batch.batchId().get(), chunk), limits.batchIdRetention(), queued, ledger)
              .thenCompose(appended -> appended ? CompletableFuture.<Void>completedFuture(null) : appendLedger(LedgerEntry.of(
                  batch.site().id(), repeated(received))))
              .thenAccept(ignored -> report.queued(queued.size()));
        });
  }

  /** Counts a received line on its day, and under the rule that skipped it (null: queued). */
  private static void countLine(Map<LocalDate, Long> received, Map<LocalDate, Map<String, Long>> skipped, LocalDate day, String rule) {
    received.merge(day, 1L, Long::sum);
    if (rule != null) {
      skipped.computeIfAbsent(day, d -> new TreeMap<>()).merge(Ledger.skipped(rule), 1L, Long::sum);
    }
  }

  /** The lines of a chunk sent again, per day: each one a duplicate of the repeated batch. */
  private static Map<LocalDate, Map<String, Long>> repeated(Map<LocalDate, Long> received) {
    Map<LocalDate, Map<String, Long>> repeated = new TreeMap<>();
    received.forEach((day, lines) -> repeated.put(day, Map.of(Ledger.REPEATED_LOG_BATCH, lines)));
    return repeated;
  }

  private CompletableFuture<Void> appendLedger(List<LedgerEntry> entries) {
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (LedgerEntry entry : entries) {
      all = all.thenCompose(done -> producer.appendLedger(entry).thenAccept(id -> {}).toCompletableFuture());
    }
    return all;
  }

  /** The batch is read to its end: its lines are counted in the node's meters; the answer's JSON. */
  public String finish(Batch batch) {
    batch.report().countInto(telemetry);
    return batch.report().toJson();
  }

  /** Counts a refused batch (as one) by the code of its answer; refused lines are counted by {@link #finish}. */
  public void refused(String code) {
    telemetry.hitsRejected(CHANNEL, code, 1);
  }

  public ApiError tooLarge() {
    return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is larger than " + limits.maxBodyBytes() + " bytes");
  }

  /** The line as a hit: a pageview, or (a page not found) a {@code 404} event with the path as its {@code path} property. */
  private CompletableFuture<QueuedHit> anonymize(Site site, LogLine line, String url, String hitId, boolean notFound) {
    InetAddress client = anonymizer.clientOf(literal(line.address()), Optional.ofNullable(line.forwardedFor()));
    return anonymizer.anonymize(new Anonymizer.IncomingHit(site.id(), line.timestamp(), CHANNEL,
        notFound ? EventNames.NOT_FOUND : EventNames.PAGEVIEW, url, line.referrer(), null,
        notFound ? Map.of(EventNames.NOT_FOUND_PATH, pathOf(line.target())) : null, null, null, line.userAgent()),
        client, anonymizer.locate(client), hitId);
  }

  /** A request target's path: no scheme and host (absolute form), no query or fragment, at most {@value #MAX_PATH_CHARS} characters. */
  static String pathOf(String target) {
    int start = 0;
    int scheme = target.indexOf("://");
    if (scheme >= 0 && !target.startsWith("/")) {
      int slash = target.indexOf('/', scheme + 3);
      start = slash < 0 ? target.length() : slash;
    }
    int end = target.length();
    for (int i = start; i < end; i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String path = start == end ? "/" : target.substring(start, end);
    return path.length() <= MAX_PATH_CHARS ? path : path.substring(0, MAX_PATH_CHARS);
  }

  /** The page's URL: the line's virtual host (else the site's first domain) and the request target. */
  Optional<String> pageUrl(Site site, LogLine line) {
    String target = line.target();
    String url;
    if (target.startsWith("/")) {
      String host = line.host() != null ? line.host() : site.domains().get(0);
      url = "https://" + host + target;
    } else if (target.startsWith("http://") || target.startsWith("https://")) {
      url = target; // absolute-form request target
    } else {
      return Optional.empty();
    }
    boolean hasHost = url.length() <= 512 ? urlsWithHost.get(url, LogIntake::hasHost) : hasHost(url);
    return hasHost ? Optional.of(url) : Optional.empty();
  }

  private static boolean hasHost(String url) {
    try {
      return new URI(url).getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** An address the parser checked to be an IP literal: resolving it involves no DNS. */
  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("the parser let through a non-literal address", e);
    }
  }

  private Site authorize(Optional<String> token, String siteId) {
    String given = token.orElseThrow(() ->
        new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <the site's ingest token>"));
    // An unknown site and a wrong token get the same answer: tokens cannot probe for site ids.
    return sites.find(siteId)
        .filter(site -> BearerToken.matchesStored(given, site.ingestTokenHash()))
        .orElseThrow(() -> new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", "this token may not send logs for site '" + siteId + "'"));
  }

  private LogFormat formatOf(String spec) {
    try {
      return formats.get(spec, LogFormat::of);
    } catch (IllegalArgumentException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_format", e.getMessage());
    }
  }

  private static Optional<String> checkedBatchId(Optional<String> header) {
    Optional<String> id = header.map(String::strip).filter(v -> !v.isEmpty());
    if (id.isPresent() && (id.get().length() > MAX_BATCH_ID_LENGTH || !id.get().chars().allMatch(c -> c > 32 && c < 127))) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_batch_id",
          "X-Vulcan-Batch must be 1 to " + MAX_BATCH_ID_LENGTH + " printable ASCII characters without spaces");
    }
    return id;
  }

  private static long checkedOffset(Optional<String> header) {
    Optional<String> value = header.map(String::strip).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return 0;
    }
    try {
      long offset = Long.parseLong(value.get());
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ApiError(StatusCodes.BAD_REQUEST, "bad_offset",
        "X-Vulcan-Offset must be the byte offset in its file where the body starts: a whole number from 0");
  }

  private String onceKey(Site site, String batchId, long chunk) {
    return settings.streamPrefix() + ":logbatch:" + site.id() + ":" + batchId + ":" + chunk;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
