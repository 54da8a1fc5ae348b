package biz.vulcantracker.common;

import java.util.List;

/** The cluster roles a node may have ({@code vulcan.roles}), each a pipeline stage. */
public final class Roles {

  /** The edge: beacons and log lines in, anonymized hits onto the queue. */
  public static final String BEACON = "beacon";
  /** The stream consumers and the sharded site entities. */
  public static final String KATRIC = "katric";
  /** The reports: stats API, dashboard, live socket. */
  public static final String SCUTTLEBUTT = "scuttlebutt";

  public static final List<String> ALL = List.of(BEACON, KATRIC, SCUTTLEBUTT);

  private Roles() {}
}
