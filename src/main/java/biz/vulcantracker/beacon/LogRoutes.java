package biz.vulcantracker.beacon;

import biz.vulcantracker.model.EventNames;
import static org.apache.pekko.http.javadsl.server.Directives.*;

import biz.vulcantracker.common.ApiError;
import biz.vulcantracker.telemetry.Telemetry;
import biz.vulcantracker.common.BearerToken;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.logformat.LogFormat;
import biz.vulcantracker.logformat.LogLine;
import biz.vulcantracker.logformat.LogLineException;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.QueuedHit;
import biz.vulcantracker.store.Site;
import biz.vulcantracker.store.SiteCatalog;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/beacon/log}: server access-log lines, counted by the same rules as beacons.
 *
 * <p>The body is read as a stream of lines, in chunks of {@code lines-per-chunk}: each chunk is
 * parsed, its pageviews anonymized (the line's address becomes visitor ids and geo fields, then is
 * dropped) and appended to the queue before the next chunk is read, so a request holds one chunk, not
 * 8 MB. With {@code X-Vulcan-Batch} each chunk is appended at most once (keyed by batch id and chunk
 * number, see {@link HitProducer#appendOnce}): a retry of the same batch, even one whose first
 * attempt reached Redis and lost its answer, queues nothing twice and gets the same answer.
 */
public final class LogRoutes {

  private static final Logger log = LoggerFactory.getLogger(LogRoutes.class);
  private static final int MAX_BATCH_ID_LENGTH = 200;
  private static final ByteString NEWLINE = ByteString.fromString("\n");

  private final BeaconSettings settings;
  private final LogIngestSettings limits;
  private final SiteCatalog sites;
  private final VisitorIds visitorIds;
  private final GeoLocator geo;
  private final HitProducer producer;
  private final LogPageviewRule rule;
  private final Cache<String, LogFormat> formats = Caffeine.newBuilder().maximumSize(256).build();
  private final Telemetry telemetry;

  public LogRoutes(BeaconSettings settings, SiteCatalog sites, VisitorIds visitorIds, GeoLocator geo, HitProducer producer,
      Telemetry telemetry) {
    this.telemetry = telemetry;
    this.settings = settings;
    this.limits = settings.log();
    this.sites = sites;
    this.visitorIds = visitorIds;
    this.geo = geo;
    this.producer = producer;
    this.rule = new LogPageviewRule(UserAgentClassifier.shared());
  }

  public Route route() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> pathPrefix("beacon", () -> path("log", () ->
        post(() -> extractRequest(request -> extractMaterializer(materializer ->
            parameterOptional("s", site -> parameterOptional("format", format ->
                completeWithFuture(ApiError.answer(() -> ingest(request, site, format, materializer), this::failureResponse,
                    this::refused)))))))))));
  }

  /** Counts a refused batch (as one) by the code of its answer; refused lines are counted by {@link LogIngestReport}. */
  private void refused(String code) {
    telemetry.hitsRejected(LogIngestReport.CHANNEL, code, 1);
  }

  private CompletionStage<HttpResponse> ingest(
      HttpRequest request, Optional<String> siteId, Optional<String> formatSpec, Materializer materializer) {
    Site site = authorize(request, siteId.orElseThrow(() ->
        new ApiError(StatusCodes.BAD_REQUEST, "missing_field", "the site is missing: ?s=<site id>")));
    LogFormat format = formatOf(formatSpec.filter(f -> !f.isBlank()).orElse("combined"));
    Optional<String> batchId = batchIdOf(request);
    var entity = request.entity();
    if (entity.getContentLengthOption().orElse(0L) > limits.maxBodyBytes()) {
      throw tooLarge();
    }
    LogIngestReport report = new LogIngestReport();
    return entity.withSizeLimit(limits.maxBodyBytes()).getDataBytes()
        .via(Framing.delimiter(NEWLINE, limits.maxLineBytes(), FramingTruncation.ALLOW))
        .grouped(limits.linesPerChunk())
        .zipWithIndex()
        .mapAsync(1, chunk -> ingestChunk(site, format, batchId, chunk.first(), chunk.second(), report))
        .runWith(Sink.ignore(), materializer)
        .thenApply(done -> {
          report.countInto(telemetry);
          return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(ContentTypes.APPLICATION_JSON, report.toJson());
        });
  }

  private CompletionStage<Void> ingestChunk(
      Site site, LogFormat format, Optional<String> batchId, List<ByteString> lines, long chunk, LogIngestReport report) {
    long firstLine = chunk * limits.linesPerChunk() + 1;
    long latest = Instant.now().plus(limits.maxFuture()).toEpochMilli();
    List<CompletableFuture<QueuedHit>> hits = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      byte[] bytes = lines.get(i).toArray();
      if (isBlank(bytes)) {
        continue;
      }
      report.received();
      long lineNumber = firstLine + i;
      LogLine line;
      try {
        line = format.parse(bytes, 0, bytes.length);
      } catch (LogLineException e) {
        report.rejected(lineNumber, "unparsable", e.getMessage());
        continue;
      }
      if (line.timestamp() > latest) {
        report.rejected(lineNumber, "in_future", "the line's time " + Instant.ofEpochMilli(line.timestamp()) + " is in the future");
        continue;
      }
      LogPageviewRule.Skip skip = rule.skipOf(line);
      if (skip != null) {
        report.skipped(skip);
        continue;
      }
      Optional<String> url = pageUrl(site, line);
      if (url.isEmpty()) {
        report.rejected(lineNumber, "bad_target", "$request: the target '" + line.target() + "' is not a path or URL");
        continue;
      }
      hits.add(anonymize(site, line, url.get()));
    }
    return CompletableFuture.allOf(hits.toArray(CompletableFuture[]::new))
        .thenCompose(all -> {
          List<QueuedHit> queued = hits.stream().map(CompletableFuture::join).toList();
          if (queued.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          CompletionStage<?> appended = batchId.isPresent()
              ? producer.appendOnce(onceKey(site, batchId.get(), chunk), limits.batchIdRetention(), queued)
              : producer.append(queued);
          return appended.thenAccept(ignored -> report.queued(queued.size()));
        });
  }

  /** The line's client address becomes visitor ids and geo fields here; nothing after keeps it. */
  private CompletableFuture<QueuedHit> anonymize(Site site, LogLine line, String url) {
    InetAddress client = settings.trustedProxies().clientAddress(literal(line.address()), Optional.ofNullable(line.forwardedFor()));
    GeoLocator.Location location = geo.locate(client);
    Instant at = Instant.ofEpochMilli(line.timestamp());
    return visitorIds.idsOf(site.id(), client, line.userAgent(), at)
        .thenApply(ids -> new QueuedHit(
            HitIds.next(line.timestamp()), site.id(), line.timestamp(), "log", EventNames.PAGEVIEW, url, line.referrer(),
            null, null, null, null, ids.today(), ids.yesterday().orElse(null), line.userAgent(),
            location.country(), location.region(), location.city()))
        .toCompletableFuture();
  }

  /** The page's URL: the line's virtual host (else the site's first domain) and the request target. */
  static Optional<String> pageUrl(Site site, LogLine line) {
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
    try {
      return new URI(url).getHost() == null ? Optional.empty() : Optional.of(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
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

  private Site authorize(HttpRequest request, String siteId) {
    String token = BearerToken.of(request).orElseThrow(() ->
        new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <the site's ingest token>"));
    // An unknown site and a wrong token get the same answer: tokens cannot probe for site ids.
    return sites.find(siteId)
        .filter(site -> BearerToken.matches(token, site.ingestToken()))
        .orElseThrow(() -> new ApiError(StatusCodes.UNAUTHORIZED, "unauthorized", "this token may not send logs for site '" + siteId + "'"));
  }

  private LogFormat formatOf(String spec) {
    try {
      return formats.get(spec, LogFormat::of);
    } catch (IllegalArgumentException e) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_format", e.getMessage());
    }
  }

  private static Optional<String> batchIdOf(HttpRequest request) {
    Optional<String> id = request.getHeader("X-Vulcan-Batch").map(HttpHeader::value).map(String::strip).filter(v -> !v.isEmpty());
    if (id.isPresent() && (id.get().length() > MAX_BATCH_ID_LENGTH || !id.get().chars().allMatch(c -> c > 32 && c < 127))) {
      throw new ApiError(StatusCodes.BAD_REQUEST, "bad_batch_id",
          "X-Vulcan-Batch must be 1 to " + MAX_BATCH_ID_LENGTH + " printable ASCII characters without spaces");
    }
    return id;
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

  private ApiError tooLarge() {
    return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is larger than " + limits.maxBodyBytes() + " bytes");
  }

  private HttpResponse failureResponse(Throwable cause) {
    if (cause instanceof EntityStreamSizeException) {
      refused("too_large");
      return ApiError.response(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "the body is too large");
    }
    if (cause instanceof org.apache.pekko.stream.scaladsl.Framing.FramingException) {
      refused("line_too_long");
      return ApiError.response(StatusCodes.BAD_REQUEST, "line_too_long", cause.getMessage());
    }
    log.warn("Queue unavailable for a log batch: {}", cause.getClass().getName());
    refused("queue_unavailable");
    return ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "queue_unavailable", "the lines could not be queued; retry the batch later");
  }
}
