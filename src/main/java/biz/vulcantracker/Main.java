package biz.vulcantracker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar vulcan-tracker.jar}: starts a node with the roles of {@code VULCAN_ROLES} and
 * runs until it is stopped (SIGTERM runs CoordinatedShutdown) or leaves the cluster.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
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
