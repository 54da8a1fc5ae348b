package biz.vulcantracker;

import biz.vulcantracker.common.VulcanConfig;
import biz.vulcantracker.forwarder.Forwarder;
import biz.vulcantracker.forwarder.LogCheck;
import biz.vulcantracker.store.SchemaJob;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar vulcan-tracker.jar forward ...} runs the log forwarder ({@link Forwarder}),
 * {@code check-log ...} tries a log format on a file ({@link LogCheck}), {@code schema} creates the
 * keyspaces and tables ({@link SchemaJob}); without a subcommand it starts a node with the roles of {@code VULCAN_ROLES} and
 * runs until it is stopped (SIGTERM runs CoordinatedShutdown) or leaves the cluster.
 */
public final class Main {

  static {
    // On fewer than three cores the JDK's common pool gets a parallelism of 1, and CompletableFuture
    // then starts a new thread for every async stage — and Scala's FutureConverters, behind Pekko's
    // Java API, turn every thenCompose/whenComplete on a Pekko future into an async stage. On two
    // cores katric started dozens of threads a second that way (about a tenth of its CPU). Set before anything
    // touches the pool, unless the operator chose a value.
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(parallelism, "2");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("forward")) {
      Forwarder.main(List.of(args).subList(1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("check-log")) {
      LogCheck.main(List.of(args).subList(1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("schema")) {
      SchemaJob.run(VulcanConfig.load());
      log.info("Schema applied to keyspace {}", VulcanConfig.load().getString("vulcan.keyspace-prefix"));
      System.exit(0);
    }
    VulcanNode node;
    try {
      node = VulcanNode.start(VulcanConfig.load());
    } catch (RuntimeException e) {
      log.error("{}", e.getMessage(), e.getCause());
      System.exit(1);
      return;
    }
    var config = node.system().settings().config();
    log.info("Vulcan Tracker is up: roles {}, HTTP on {}:{}, management on {}",
        config.getStringList("pekko.cluster.roles"), config.getString("vulcan.http.host"),
        config.getInt("vulcan.http.port"), node.managementUri());
    node.whenTerminated().toCompletableFuture().join();
    System.exit(0);
  }
}
