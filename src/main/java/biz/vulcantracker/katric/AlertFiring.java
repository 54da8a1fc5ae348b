package biz.vulcantracker.katric;

import biz.vulcantracker.common.CborSerializable;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * A firing of one of a site's alert rules as its live sockets show it: the webhook's JSON body.
 * Published by the site entity once the firing is persisted, on a topic of its own (a live report
 * may be skipped for a newer one; a firing never is).
 */
public record AlertFiring(String siteId, String body) implements CborSerializable {

  /** The pub-sub topic of a site's firings (one actor per node and site; they find each other). */
  public static Behavior<Topic.Command<AlertFiring>> topic(String siteId) {
    return Topic.create(AlertFiring.class, "alerts-" + siteId);
  }
}
