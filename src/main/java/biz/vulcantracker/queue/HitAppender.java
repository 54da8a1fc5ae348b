package biz.vulcantracker.queue;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A way to append hits to their sites' partition streams. The returned stage completes only after
 * Redis acknowledged every XADD, with the entry ids in the order of the hits: what lets the edge
 * answer 204 (a hit answered 204 is in Redis). The edge's front appends through its event loop's
 * own connection, everything else through {@link HitProducer}.
 */
public interface HitAppender {

  /** Appends the hits in order (one site's hits keep their order in its partition). */
  CompletionStage<List<String>> append(List<QueuedHit> hits);
}
