package biz.vulcantracker;

import biz.vulcantracker.beacon.Anonymizer;
import biz.vulcantracker.beacon.BeaconIntake;
import biz.vulcantracker.beacon.LedgerTally;
import biz.vulcantracker.beacon.BeaconRoutes;
import biz.vulcantracker.beacon.BeaconSettings;
import biz.vulcantracker.beacon.DailySalts;
import biz.vulcantracker.beacon.GeoLocator;
import biz.vulcantracker.beacon.LogIntake;
import biz.vulcantracker.beacon.LogRoutes;
import biz.vulcantracker.beacon.RelayedClients;
import biz.vulcantracker.beacon.RequestClients;
import biz.vulcantracker.beacon.VisitorIds;
import biz.vulcantracker.beacon.front.FrontLimits;
import biz.vulcantracker.enrich.UserAgentClassifier;
import biz.vulcantracker.beacon.front.FrontServer;
import biz.vulcantracker.beacon.front.FrontTransport;
import biz.vulcantracker.beacon.spool.EdgeSpool;
import biz.vulcantracker.common.Roles;
import biz.vulcantracker.katric.HitConsumer;
import biz.vulcantracker.katric.KatricSettings;
import biz.vulcantracker.katric.SiteEntity;
import biz.vulcantracker.katric.StoredAlerts;
import biz.vulcantracker.katric.WebhookSender;
import biz.vulcantracker.ops.HttpServer;
import biz.vulcantracker.ops.QueueMetrics;
import biz.vulcantracker.queue.HitProducer;
import biz.vulcantracker.queue.QueueSettings;
import biz.vulcantracker.queue.RedisConnections;
import biz.vulcantracker.scuttlebutt.DashboardRoutes;
import biz.vulcantracker.scuttlebutt.ExportRoutes;
import biz.vulcantracker.scuttlebutt.CoverageRoutes;
import biz.vulcantracker.scuttlebutt.LedgerRoutes;
import biz.vulcantracker.scuttlebutt.KeyQuotas;
import biz.vulcantracker.scuttlebutt.LiveRoutes;
import biz.vulcantracker.scuttlebutt.RealtimeRoutes;
import biz.vulcantracker.scuttlebutt.ReportAccess;
import biz.vulcantracker.scuttlebutt.SiteAdminRoutes;
import biz.vulcantracker.scuttlebutt.ImportRoutes;
import biz.vulcantracker.scuttlebutt.SitePurge;
import biz.vulcantracker.scuttlebutt.SiteTopics;
import biz.vulcantracker.scuttlebutt.DefinitionRoutes;
import biz.vulcantracker.scuttlebutt.StatsRoutes;
import biz.vulcantracker.scuttlebutt.people.AccountRoutes;
import biz.vulcantracker.scuttlebutt.people.Accounts;
import biz.vulcantracker.scuttlebutt.people.ApiKeys;
import biz.vulcantracker.scuttlebutt.people.Members;
import biz.vulcantracker.scuttlebutt.people.People;
import biz.vulcantracker.scuttlebutt.people.ShareLinks;
import biz.vulcantracker.scuttlebutt.PeopleRoutes;
import biz.vulcantracker.scuttlebutt.DigestRoutes;
import biz.vulcantracker.scuttlebutt.digest.Digests;
import biz.vulcantracker.scuttlebutt.imports.ImportLimits;
import biz.vulcantracker.scuttlebutt.imports.Imports;
import biz.vulcantracker.scuttlebutt.mail.InvitationMail;
import biz.vulcantracker.scuttlebutt.mail.Mailer;
import biz.vulcantracker.scuttlebutt.query.FilteredStats;
import biz.vulcantracker.scuttlebutt.query.ImportedLayer;
import biz.vulcantracker.scuttlebutt.query.ScanLimits;
import biz.vulcantracker.scuttlebutt.query.ScriptCoverage;
import biz.vulcantracker.scuttlebutt.query.LiveModel;
import biz.vulcantracker.scuttlebutt.query.ReportDefinitions;
import biz.vulcantracker.scuttlebutt.query.StatsQueries;
import biz.vulcantracker.scuttlebutt.query.LedgerReport;
import biz.vulcantracker.scuttlebutt.query.RollupRows;
import biz.vulcantracker.scuttlebutt.query.VisitSegments;
import biz.vulcantracker.store.AccountTables;
import biz.vulcantracker.store.ApiKeyTables;
import biz.vulcantracker.store.DigestTables;
import biz.vulcantracker.store.MemberTables;
import biz.vulcantracker.store.ShareLinkTables;
import biz.vulcantracker.store.ImportTables;
import biz.vulcantracker.store.DailyBreakdownsTable;
import biz.vulcantracker.store.DailyTotalsTable;
import biz.vulcantracker.store.HitDaysTable;
import biz.vulcantracker.store.LedgerDaysTable;
import biz.vulcantracker.store.HitsTable;
import biz.vulcantracker.store.SegmentTables;
import biz.vulcantracker.store.VisitSegmentsTable;
import biz.vulcantracker.store.HourlyTotalsTable;
import biz.vulcantracker.store.RollupTables;
import biz.vulcantracker.store.Schema;
import biz.vulcantracker.store.SiteCatalog;
import biz.vulcantracker.store.RetentionSweep;
import biz.vulcantracker.store.SiteData;
import biz.vulcantracker.store.SiteDefinitions;
import biz.vulcantracker.store.SiteRepository;
import biz.vulcantracker.store.StoreSettings;
import biz.vulcantracker.telemetry.Telemetry;
import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * One running Vulcan Tracker node: an ActorSystem in the cluster with the roles its configuration
 * names, its HTTP server and pekko-management. Started by {@link Main} and by the tests alike.
 */
public final class VulcanNode implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final ActorSystem<Void> system;
  /** Where clients reach the node's HTTP: the front's address on beacon nodes, else Pekko HTTP's. */
  private final Optional<InetSocketAddress> http;
  private final Uri management;
  private final IntSupplier liveSockets;

  private VulcanNode(ActorSystem<Void> system, Optional<InetSocketAddress> http, Uri management, IntSupplier liveSockets) {
    this.system = system;
    this.http = http;
    this.management = management;
    this.liveSockets = liveSockets;
  }

  /** Starts a node and waits until it serves; on failure the half-started system is terminated. */
  public static VulcanNode start(Config config) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "vulcan", config);
    try {
      return startRoles(system, config);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("Vulcan Tracker could not start: " + e.getMessage(), e);
    }
  }

  private static VulcanNode startRoles(ActorSystem<Void> system, Config config) throws Exception {
    List<String> roles = config.getStringList("pekko.cluster.roles");
    Cluster cluster = Cluster.get(system);
    boolean bootstrap = config.getBoolean("vulcan.cluster.bootstrap");
    if (!bootstrap && config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }

    StoreSettings store = StoreSettings.create(config);
    CassandraSession session = CassandraSessionRegistry.get(system).sessionFor(StoreSettings.SESSION_CONFIG_PATH);
    if (store.autocreate()) {
      await(Schema.create(system, session, store));
    }
    SiteCatalog sites = SiteCatalog.start(system, new SiteRepository(session, store), store.siteRefreshInterval());
    DailyTotalsTable dailyTotals = new DailyTotalsTable(session, store);
    DailyBreakdownsTable breakdowns = new DailyBreakdownsTable(session, store);
    HourlyTotalsTable hourly = new HourlyTotalsTable(session, store);
    HitsTable hits = new HitsTable(session, store);
    HitDaysTable hitDays = new HitDaysTable(session, store);
    LedgerDaysTable ledgerDays = new LedgerDaysTable(session, store);
    QueueSettings queue = QueueSettings.create(config);

    List<Route> routes = new ArrayList<>();
    Optional<BeaconIntake> beaconIntake = Optional.empty();
    RelayedClients relayed = new RelayedClients();
    RequestClients clients = new RequestClients(relayed, BeaconSettings.create(config).trustedProxies());
    KatricSettings katric = KatricSettings.create(config);
    // On katric nodes this hosts the entities; elsewhere it is the proxy reports ask them through.
    SiteDefinitions siteDefinitions = new SiteDefinitions(session, store);
    SiteEntity.init(system, new RollupTables(dailyTotals, breakdowns, hourly, hits, hitDays, ledgerDays),
        (siteId, day) -> hits.read(siteId, day).runWith(Sink.seq(), system), katric,
        new StoredAlerts(siteDefinitions, hourly, new WebhookSender(system)));
    if (roles.contains(Roles.KATRIC)) {
      HitConsumer.init(system, queue, sites, katric);
      QueueMetrics.start(system, queue);
    }
    if (roles.contains(Roles.BEACON)) {
      BeaconSettings beacon = BeaconSettings.create(config);
      RedisConnections redis = RedisConnections.get(system);
      Anonymizer anonymizer = new Anonymizer(beacon.trustedProxies(), new VisitorIds(new DailySalts(system, beacon)),
          GeoLocator.open(beacon.geoipDatabase()), UserAgentClassifier.shared());
      HitProducer producer = new HitProducer(redis, queue);
      EdgeSpool spool = EdgeSpool.start(system, producer);
      BeaconIntake intake = new BeaconIntake(beacon, sites, anonymizer, spool, Telemetry.get(system), LedgerTally.start(system, producer));
      beaconIntake = Optional.of(intake);
      routes.add(new BeaconRoutes(intake, producer, clients).route());
      routes.add(new LogRoutes(new LogIntake(beacon, sites, anonymizer, producer, Telemetry.get(system))).route());
    }
    IntSupplier liveSockets = () -> 0;
    if (roles.contains(Roles.SCUTTLEBUTT)) {
      // Argon2id takes tens of milliseconds of CPU and 19 MiB per hash: off the threads that serve HTTP.
      Executor hashing = system.dispatchers().lookup(DispatcherSelector.blocking());
      Accounts accounts = new Accounts(new AccountTables(session, store), hashing);
      Members members = new Members(new MemberTables(session, store), accounts);
      People people = new People(accounts, members, new ApiKeys(new ApiKeyTables(session, store), members),
          new ShareLinks(new ShareLinkTables(session, store), hashing, Clock.systemUTC()));
      ReportAccess access = new ReportAccess(sites, config.getString("vulcan.admin.token"), people);
      LiveModel liveModel = new LiveModel(ClusterSharding.get(system));
      ReportDefinitions definitions = new ReportDefinitions(siteDefinitions);
      SegmentTables segmentTables = new SegmentTables(hitDays, new VisitSegmentsTable(session, store));
      VisitSegments segments = new VisitSegments(hits::read, segmentTables, config.getBytes("vulcan.scuttlebutt.scans.segment-memory"));
      Telemetry.get(system).reportSegments(segments, VisitSegments::fromMemory, VisitSegments::fromStore, VisitSegments::fromHits);
      RollupRows rollupRows = new RollupRows(breakdowns, segmentTables, config.getBytes("vulcan.scuttlebutt.rollup-memory"));
      Telemetry.get(system).reportRollupRows(rollupRows, RollupRows::fromMemory, RollupRows::fromTable);
      ImportTables importTables = new ImportTables(session, store);
      ImportedLayer importedLayer = new ImportedLayer(importTables, dailyTotals);
      StatsQueries queries = new StatsQueries(dailyTotals, rollupRows, hourly,
          new FilteredStats(segments, system, ScanLimits.fromConfig(config)), liveModel, definitions, importedLayer);
      Imports imports = new Imports(importTables, importedLayer, ImportLimits.fromConfig(config), hashing);
      KeyQuotas quotas = new KeyQuotas(KeyQuotas.Settings.fromConfig(config));
      routes.add(new StatsRoutes(access, queries, quotas, definitions).route());
      routes.add(new DefinitionRoutes(access, definitions, siteId -> ClusterSharding.get(system)
          .entityRefFor(SiteEntity.ENTITY_TYPE_KEY, siteId).tell(new SiteEntity.ReadAlertRules())).route());
      routes.add(new ExportRoutes(access, queries, quotas, definitions).route());
      routes.add(new LedgerRoutes(access, new LedgerReport(ledgerDays), quotas).route());
      routes.add(new CoverageRoutes(access, new ScriptCoverage(hits::read, system, ScanLimits.fromConfig(config)), quotas).route());
      routes.add(new RealtimeRoutes(access, queries).route());
      LiveRoutes live = new LiveRoutes(system, access, new SiteTopics(system), liveModel, quotas, queries, definitions);
      routes.add(live.route());
      liveSockets = live::openSockets;
      Telemetry.get(system).liveSockets(live::openSockets);
      SiteData siteData = new SiteData(session, store, system);
      Duration maxAge = config.getDuration("vulcan.katric.max-age");
      RetentionSweep retention = RetentionSweep.start(system, sites, siteData, store.retentionSweepInterval(), maxAge);
      routes.add(new SiteAdminRoutes(access, sites, new SitePurge(system, siteData, maxAge, people, imports), retention).route());
      routes.add(new ImportRoutes(access, imports).route());
      routes.add(new DashboardRoutes().route());
      routes.add(new AccountRoutes(people, clients::keyOf).route());
      Mailer.Settings mail = Mailer.Settings.fromConfig(config);
      Optional<Mailer> mailer = mail.enabled() ? Optional.of(new Mailer(mail)) : Optional.empty();
      routes.add(new PeopleRoutes(access, definitions, new InvitationMail(mailer, hashing)).route());
      routes.add(new DigestRoutes(access, mailer.map(m -> startDigests(system, config, session, store, sites, queries, definitions, m,
          hashing))).route());
    }
    await(sites.loaded());

    Optional<InetSocketAddress> http = Optional.empty();
    if (!routes.isEmpty()) {
      Route all = Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
      String host = config.getString("vulcan.http.host");
      int port = config.getInt("vulcan.http.port");
      if (beaconIntake.isPresent() && config.getBoolean("vulcan.beacon.front.enabled")) {
        // The front holds the public port; Pekko HTTP listens on loopback behind it.
        ServerBinding pekko = await(HttpServer.start(system, "127.0.0.1", 0, all));
        FrontServer front = FrontServer.start(host, port,
            FrontTransport.choose(config.getString("vulcan.beacon.front.transport")), config.getInt("vulcan.beacon.front.threads"),
            pekko.localAddress(), beaconIntake.get(), relayed, RedisConnections.get(system), queue,
            FrontLimits.fromConfig(config), BeaconSettings.create(config).trustedProxies());
        Telemetry.get(system).frontConnectionsClosed(front, FrontServer::connectionsRefused, FrontServer::requestsTimedOut);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "close-front",
            () -> front.stop().thenApply(stopped -> Done.getInstance()));
        http = Optional.of(front.localAddress());
      } else {
        http = Optional.of(await(HttpServer.start(system, host, port, all)).localAddress());
      }
    }
    Uri management = await(PekkoManagement.get(system).start());
    if (bootstrap) {
      // Cluster Bootstrap finds the other nodes (Kubernetes API discovery) and probes their
      // management endpoints, so it starts once this node's own endpoint is up.
      ClusterBootstrap.get(system).start();
    }
    return new VulcanNode(system, http, management, liveSockets);
  }

  /**
   * Email digests when mail is set up: every reports node looks for due digests every
   * {@code vulcan.digests.check-interval} (a delivery is claimed once, whoever looks).
   */
  private static Digests startDigests(ActorSystem<?> system, Config config, CassandraSession session, StoreSettings store,
      SiteCatalog sites, StatsQueries queries, ReportDefinitions definitions, Mailer mailer, Executor blocking) {
    Cluster cluster = Cluster.get(system);
    Digests digests = new Digests(new DigestTables(session, store), sites, queries, definitions, mailer, blocking,
        Clock.systemUTC(), cluster.selfMember().uniqueAddress().toString(),
        incarnation -> java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
            .anyMatch(member -> member.uniqueAddress().toString().equals(incarnation)),
        config.getDuration("vulcan.digests.claim-lease"));
    Duration every = config.getDuration("vulcan.digests.check-interval");
    system.scheduler().scheduleWithFixedDelay(every, every, () -> digests.deliverDue(), system.executionContext());
    return digests;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The port the HTTP server is bound to (useful when configured as 0). */
  public int httpPort() {
    return http.map(InetSocketAddress::getPort)
        .orElseThrow(() -> new IllegalStateException("this node serves no HTTP role"));
  }

  public Uri managementUri() {
    return management;
  }

  /** Live-report WebSockets open on this node. */
  public int liveSockets() {
    return liveSockets.getAsInt();
  }

  /** Leaves the cluster and stops, running every CoordinatedShutdown task. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node did not stop in 60 s", e);
    }
  }

  /** Completes when the node has stopped, for whatever reason. */
  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }
}
