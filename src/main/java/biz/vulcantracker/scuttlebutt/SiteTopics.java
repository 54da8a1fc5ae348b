package biz.vulcantracker.scuttlebutt;

import biz.vulcantracker.katric.LiveReport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's topic actor of each site with live subscribers: a WebSocket subscribes here, the
 * site's entity publishes on whichever node hosts it, and the topic actors of one site find each
 * other through the cluster receptionist. One actor per site and node, kept for the node's life.
 */
public final class SiteTopics {

  private final ActorSystem<?> system;
  private final ConcurrentHashMap<String, ActorRef<Topic.Command<LiveReport>>> topics = new ConcurrentHashMap<>();

  public SiteTopics(ActorSystem<?> system) {
    this.system = system;
  }

  public ActorRef<Topic.Command<LiveReport>> of(String siteId) {
    return topics.computeIfAbsent(siteId, id ->
        system.systemActorOf(LiveReport.topic(id), "live-topic-" + URLEncoder.encode(id, StandardCharsets.UTF_8), Props.empty()));
  }
}
