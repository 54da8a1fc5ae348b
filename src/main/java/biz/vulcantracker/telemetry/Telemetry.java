package biz.vulcantracker.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * One node's meters, served in Prometheus' text format at {@code /metrics} on the management port
 * ({@link MetricsRoutes}). An actor-system extension rather than a global registry: every node (and
 * every test's node in one JVM) counts its own. Meter names say what they count; queue meters are
 * kept up by {@link QueueMetrics} on katric nodes.
 */
public final class Telemetry implements Extension {

  private static final ExtensionId<Telemetry> ID = new ExtensionId<>() {
    @Override
    public Telemetry createExtension(ActorSystem<?> system) {
      return new Telemetry();
    }
  };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> largestSerialized = new ConcurrentHashMap<>();
  private final Timer persistLatency;
  private final DistributionSummary batchSizes;
  private final Counter invalidEntries;
  private final Counter repeatedHits;

  private Telemetry() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    persistLatency = Timer.builder("vulcan.persist")
        .description("Time from handing a part of a site's batch to its entity until it is persisted (the last part: and its batch rolled up)")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    batchSizes = DistributionSummary.builder("vulcan.consumer.batch.entries")
        .description("Hits and ledger entries per batch a partition consumer handles (a log chunk's entry holds many)")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(20_000.0)
        .register(registry);
    invalidEntries = Counter.builder("vulcan.consumer.invalid.entries")
        .description("Stream entries a consumer could not decode and skipped")
        .register(registry);
    repeatedHits = Counter.builder("vulcan.hits.repeated")
        .description("Hits a site entity already held (the same hit id, client event id or log line again): counted once")
        .register(registry);
  }

  public static Telemetry get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Hits queued (answered 204, or log lines queued), by channel (beacon, log). */
  public void hitsAccepted(String channel, long count) {
    // Looked up once per channel: registering a meter builds its id, too much work to do per hit on the edge.
    accepted.computeIfAbsent(channel, c -> Counter.builder("vulcan.hits.accepted").description("Hits queued for counting")
        .tag("channel", c).register(registry)).increment(count);
  }

  /** Requests (beacon) or lines (log) refused, by channel and the reason code of the answer. */
  public void hitsRejected(String channel, String reason, long count) {
    Counter.builder("vulcan.hits.rejected").description("Beacon requests and log lines refused, by reason")
        .tag("channel", channel).tag("reason", reason).register(registry).increment(count);
  }

  /** Log lines that parsed but are no pageview, by docs/api.md's skip reason. */
  public void logLinesSkipped(String reason, long count) {
    Counter.builder("vulcan.log.lines.skipped").description("Log lines that are not pageviews, by reason")
        .tag("reason", reason).register(registry).increment(count);
  }

  /** Alert rules that fired (persisted by their site entity), by kind. */
  public void alertFired(String kind) {
    Counter.builder("vulcan.alerts.fired").description("Alert firings persisted, by rule kind")
        .tag("kind", kind).register(registry).increment();
  }

  /** Webhook attempts of alert firings, by outcome (delivered, failed: retried later, given_up). */
  public void alertDelivery(String outcome) {
    Counter.builder("vulcan.alerts.deliveries").description("Webhook attempts of alert firings, by outcome")
        .tag("outcome", outcome).register(registry).increment();
  }

  public Timer persistLatency() {
    return persistLatency;
  }

  public DistributionSummary batchSizes() {
    return batchSizes;
  }

  public Counter invalidEntries() {
    return invalidEntries;
  }

  /** Hits that reached a site entity again after it had counted them (counted once). */
  public Counter repeatedHits() {
    return repeatedHits;
  }

  /**
   * One size-bounded message or journal event serialized: the largest of each type since the node
   * started is kept (a histogram's max decays within minutes; the largest ever is what an operator
   * compares with the bound).
   */
  public void serializedSize(String type, long bytes) {
    largestSerialized.computeIfAbsent(type, t -> {
      AtomicLong largest = new AtomicLong();
      Gauge.builder("vulcan.serialized.largest", largest::get).baseUnit("bytes").tag("type", t)
          .description("Largest size-bounded message or journal event serialized, by type").register(registry);
      return largest;
    }).accumulateAndGet(bytes, Math::max);
  }

  /** A size-bounded message or event refused for its size (see vulcan.katric.max-message-bytes). */
  public void oversizedMessage(String type) {
    Counter.builder("vulcan.serialized.oversized").description("Messages and events refused for being over their size bound")
        .tag("type", type).register(registry).increment();
  }

  /** Connections the beacon front closed: over the per-client cap as accepted, or a request not arriving in time. */
  public <T> void frontConnectionsClosed(T front, ToDoubleFunction<T> overClientCap, ToDoubleFunction<T> requestTimeout) {
    // Micrometer holds the object of a function counter weakly: it must be one that lives as long as
    // the node (the front), not a method reference made for the call.
    FunctionCounter.builder("vulcan.front.connections.closed", front, overClientCap)
        .description("Connections closed by the beacon front, by reason").tag("reason", "too_many_connections").register(registry);
    FunctionCounter.builder("vulcan.front.connections.closed", front, requestTimeout)
        .description("Connections closed by the beacon front, by reason").tag("reason", "request_timeout").register(registry);
  }

  /**
   * Visit segments the reports read, by where they came from: this node's memory, the segment store,
   * or built from the hits (a day's first report, or one after its hits changed).
   */
  public <T> void reportSegments(T segments, ToDoubleFunction<T> memory, ToDoubleFunction<T> store, ToDoubleFunction<T> built) {
    String description = "Visit segments read by the reports, by where they came from";
    FunctionCounter.builder("vulcan.report.segments", segments, memory).description(description).tag("from", "memory").register(registry);
    FunctionCounter.builder("vulcan.report.segments", segments, store).description(description).tag("from", "store").register(registry);
    FunctionCounter.builder("vulcan.report.segments", segments, built).description(description).tag("from", "hits").register(registry);
  }

  /** Days of breakdown rows read by the unfiltered reports, by where they came from. */
  public <T> void reportRollupRows(T rows, ToDoubleFunction<T> memory, ToDoubleFunction<T> table) {
    String description = "Days of breakdown rows read by the reports, by where they came from";
    FunctionCounter.builder("vulcan.report.rollup.days", rows, memory).description(description).tag("from", "memory").register(registry);
    FunctionCounter.builder("vulcan.report.rollup.days", rows, table).description(description).tag("from", "table").register(registry);
  }

  /** The live-report WebSockets open on this node. */
  public void liveSockets(IntSupplier open) {
    Gauge.builder("vulcan.live.sockets", open::getAsInt).description("Open live-report WebSockets").register(registry);
  }
}
